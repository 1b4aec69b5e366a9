/**
 * Raw view: the MSRP text of the selected request/response — start-line, headers, the body as far as
 * it is known, end-line — every character escaped, each part headed by its frame numbers. A frame cut
 * in its header block is shown as its bytes were received (when the caller kept them), then why it did
 * not parse.
 */
import { isUtf8 } from 'node:buffer';
import type { JsonConnection, JsonMessage, JsonTransaction } from '../export/json-types.js';
import { escapeText } from '../util/escape.js';
import { escapedTextLines, isTextual, previewLines } from './body-text.js';
import { recordIndex, type RecordIndex, type RecordSource } from '../export/record-index.js';
import { clockTime, fmtBytes } from './format.js';
import { frames } from './detail-format.js';
import type { LadderTarget } from './ladder.js';
import { seg, type Line } from './line.js';

/** What the caller kept of a request/response cut before its end-line (the model's CutFrame is one). */
export interface CutFrameView {
  /** A TCP gap, the end of the connection's data, or the next start-line came first. */
  reason: 'gap' | 'end' | 'next-start-line';
  /** Cut in the header block or in the body. */
  in: 'headers' | 'body';
  /** Bytes of the frame received. */
  length: number;
  /** Body bytes received (0 when cut in the header block). */
  bodyLength: number;
  /** Start-line and header block as received (bounded). */
  head: Uint8Array;
}

/** The cut request/response of a transaction (by its id), when the caller kept it. */
export type CutLookup = (transaction: number, part: 'request' | 'response') => CutFrameView | null | undefined;

export interface RawOptions {
  /** First bytes of a message body (from byte 1), when the caller has them. */
  body?: ((message: number) => Uint8Array | null | undefined) | undefined;
  /** A frame cut before its end-line: its received head and why it ended. */
  cut?: CutLookup | undefined;
  /** Body lines shown per request. */
  maxBodyLines?: number;
}

/** Body text of one SEND chunk: its slice of the kept bytes, or the preview when the chunk starts at 1. */
function chunkBody(t: JsonTransaction, m: JsonMessage | undefined, opts: RawOptions): string[] {
  const req = t.request;
  if (req === null || req.bodyLength === 0) return [];
  const max = opts.maxBodyLines ?? 40;
  const type = t.contentType ?? m?.contentType ?? null;
  const start = t.byteRange?.start ?? 1;
  const bytes = m === undefined ? undefined : opts.body?.(m.id);
  if (bytes !== null && bytes !== undefined && start >= 1 && start - 1 < bytes.length) {
    const slice = bytes.subarray(start - 1, Math.min(bytes.length, start - 1 + req.bodyLength));
    if (isTextual(type)) {
      const lines = escapedTextLines(Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength).toString('utf8'), max);
      if (slice.length < req.bodyLength) lines.push(`[… ${req.bodyLength - slice.length} more bytes not kept]`);
      return lines;
    }
    return [`[${fmtBytes(req.bodyLength)} of ${type ?? 'untyped'} content]`];
  }
  if (m !== undefined && m.preview !== null && start === 1 && m.contentType === type && m.cpim === null) {
    const lines = previewLines(m.preview, max);
    if (m.previewTruncated || req.bodyLength > m.preview.length) lines.push(`[… body continues; ${fmtBytes(req.bodyLength)} in this chunk]`);
    return lines;
  }
  return [`[${fmtBytes(req.bodyLength)} of ${type ?? 'untyped'} content not kept]`];
}

function endLine(txid: string, flag: string | null, cut: boolean): Line {
  if (cut || flag === null) return [seg('[cut: the capture ends before the end-line]', 'warn')];
  return [seg(`-------${txid}${flag}`, flag === '#' ? 'fail' : 'dim')];
}

/** Bytes as text: UTF-8 when they are valid UTF-8, else one character per byte (as diagnostics show them). */
function bytesText(b: Uint8Array): string {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return buf.toString(isUtf8(buf) ? 'utf8' : 'latin1');
}

/** What stopped the frame, as the subject of a sentence. */
function stopper(cut: CutFrameView, c: JsonConnection | undefined): string {
  if (cut.reason === 'gap') return 'a gap (TCP bytes not captured) comes';
  if (cut.reason === 'next-start-line') return 'the next start-line comes';
  switch (c?.ended) {
    case 'capture-end':
      return 'the capture ends';
    case 'fin':
      return 'the connection closes (FIN)';
    case 'rst':
      return 'the connection is reset (RST)';
    case 'evicted':
      return 'the connection is evicted';
    default:
      return 'the stream ends';
  }
}

/** The first `-------txid` followed by an end-line flag in the kept head: its offset and text. */
function endLineTextAt(head: Uint8Array, txid: string): { at: number; text: string } | undefined {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const pat = Buffer.from(`-------${txid}`, 'latin1');
  for (let p = buf.indexOf(pat); p >= 0; p = buf.indexOf(pat, p + 1)) {
    const f = buf[p + pat.length];
    if (f === 0x24 || f === 0x2b || f === 0x23) return { at: p, text: `-------${txid}${String.fromCharCode(f)}` };
  }
  return undefined;
}

/** The received bytes of a frame cut in its header block, every line end and control character escaped. */
function cutHeadLines(cut: CutFrameView, firstStyle: 'fail' | 'accent'): Line[] {
  const out: Line[] = escapedTextLines(bytesText(cut.head), Number.MAX_SAFE_INTEGER).map((l, i) => [seg(l, i === 0 ? firstStyle : undefined)]);
  if (cut.length > cut.head.length) out.push([seg(`[… ${cut.length - cut.head.length} more bytes not kept]`, 'dim')]);
  return out;
}

/** Why a cut frame did not parse: what ended it, where, and an end-line text not at a line start. */
function cutLine(cut: CutFrameView, txid: string, c: JsonConnection | undefined): Line {
  const stop = stopper(cut, c);
  if (cut.in === 'body') {
    return [seg(`[cut: ${stop} ${cut.length} bytes into the frame, ${cut.bodyLength} into its body, before its end-line]`, 'warn')];
  }
  const found = endLineTextAt(cut.head, txid);
  if (found !== undefined) {
    const head = Buffer.from(cut.head.buffer, cut.head.byteOffset, cut.head.byteLength);
    const where = found.at > 0 && head[found.at - 1] !== 0x0a ? 'inside a header line' : 'with more text after it on its line';
    return [seg(
      `[not parsed: no end-line at the start of a line when ${stop}, ${cut.length} bytes into the frame; ` +
        `"${escapeText(found.text)}" appears ${where} at offset ${found.at}]`,
      'warn',
    )];
  }
  return [seg(`[cut: ${stop} ${cut.length} bytes into the frame, in its header block, before its end-line]`, 'warn')];
}

function transactionRaw(ix: RecordIndex, t: JsonTransaction, opts: RawOptions): Line[] {
  const out: Line[] = [];
  const req = t.request;
  const rsp = t.response;
  const c = ix.connection(t.connection);
  const conn = `conn ${t.connection}${c === undefined ? '' : ` ${c.transport}`}`;
  if (req !== null) {
    const cut = req.truncated ? (opts.cut?.(t.id, 'request') ?? undefined) : undefined;
    out.push([seg(`── request · ${frames(req.at.frame, req.lastFrame)} · ${conn} ${req.direction} ${t.from} → ${t.to} · ${clockTime(req.at.time, 6)}`, 'head')]);
    if (cut?.in === 'headers') out.push(...cutHeadLines(cut, 'accent'));
    else {
      out.push([seg(`MSRP ${t.transactionId} ${t.method ?? '?'}`, 'accent')]);
      for (const h of req.headers) out.push([seg(`${h.name}: ${h.value}`)]);
      const body = chunkBody(t, t.message === null ? undefined : ix.message(t.message), opts);
      if (body.length > 0) {
        out.push([]);
        for (const b of body) out.push([seg(b, b.startsWith('[') ? 'dim' : undefined)]);
      }
    }
    out.push(cut === undefined ? endLine(t.transactionId, req.flag, req.truncated) : cutLine(cut, t.transactionId, c));
  }
  if (rsp !== null) {
    const cut = rsp.truncated ? (opts.cut?.(t.id, 'response') ?? undefined) : undefined;
    const style = rsp.status >= 300 ? 'fail' : 'accent';
    out.push([seg(`── response · ${frames(rsp.at.frame, rsp.lastFrame)} · ${conn} ${rsp.direction} ${t.to} → ${t.from} · ${clockTime(rsp.at.time, 6)}`, 'head')]);
    if (cut?.in === 'headers') out.push(...cutHeadLines(cut, style));
    else {
      out.push([seg(`MSRP ${t.transactionId} ${rsp.status}${rsp.comment === '' ? '' : ` ${rsp.comment}`}`, style)]);
      for (const h of rsp.headers) out.push([seg(`${h.name}: ${h.value}`)]);
    }
    out.push(cut === undefined ? endLine(t.transactionId, '$', rsp.truncated) : cutLine(cut, t.transactionId, c));
  }
  return out;
}

/** Raw lines for a ladder target: one transaction, or every transaction of a folded message leg. */
export function rawLines(source: RecordSource, target: LadderTarget, txIds: readonly number[], opts: RawOptions = {}): Line[] {
  const ix = recordIndex(source);
  if (target.kind === 'sip') {
    const d = ix.dialog(target.dialog);
    const out: Line[] = [[seg('SIP messages are summarised, not kept as text.', 'dim')]];
    if (d !== undefined) {
      for (const x of [d.offer, d.answer]) {
        if (x === null) continue;
        out.push([seg(`── ${x.kind === 'request' ? (x.method ?? 'request') : `${x.status ?? '?'} response`} · frames ${x.frames.join(', ')} · ${x.src} → ${x.dst}`, 'head')]);
        for (const media of x.msrp) {
          out.push([seg(`m=message ${media.port} ${media.proto} *`)]);
          if (media.path.length > 0) out.push([seg(`a=path:${media.path.join(' ')}`)]);
          if (media.acceptTypes.length > 0) out.push([seg(`a=accept-types:${media.acceptTypes.join(' ')}`)]);
          if (media.setup !== null) out.push([seg(`a=setup:${media.setup}`)]);
        }
      }
    }
    return out;
  }
  const ids = txIds.length > 0 ? txIds : target.kind === 'transaction' ? [target.transaction] : target.transaction === null ? [] : [target.transaction];
  const txs = ids.map((id) => ix.transaction(id)).filter((t): t is JsonTransaction => t !== undefined);
  txs.sort((a, b) => (a.request?.at.frame ?? a.response?.at.frame ?? 0) - (b.request?.at.frame ?? b.response?.at.frame ?? 0));
  const out: Line[] = [];
  txs.forEach((t, i) => {
    if (i > 0) out.push([]);
    out.push(...transactionRaw(ix, t, opts));
  });
  if (out.length === 0) out.push([seg('nothing to show', 'dim')]);
  return out;
}
