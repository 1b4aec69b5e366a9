/**
 * Raw view: the MSRP text of the selected request/response — start-line, headers, the body as far as
 * it is known, end-line — every character escaped, each part headed by its frame numbers.
 */
import type { JsonDocument, JsonMessage, JsonTransaction } from '../../export/json-types.js';
import { escapedTextLines, isTextual, previewLines } from './body-text.js';
import { indexDocument, type DocIndex } from './doc-index.js';
import { clockTime, fmtBytes } from './format.js';
import type { LadderTarget } from './ladder.js';
import { seg, type Line } from './line.js';

export interface RawOptions {
  /** First bytes of a message body (from byte 1), when the caller has them. */
  body?: (message: number) => Uint8Array | null | undefined;
  /** Body lines shown per request. */
  maxBodyLines?: number;
}

function frames(first: number, last: number): string {
  return first === last ? `frame ${first}` : `frames ${first}–${last}`;
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

function transactionRaw(ix: DocIndex, t: JsonTransaction, opts: RawOptions): Line[] {
  const out: Line[] = [];
  const req = t.request;
  const rsp = t.response;
  const c = ix.connection(t.connection);
  const conn = `conn ${t.connection}${c === undefined ? '' : ` ${c.transport}`}`;
  if (req !== null) {
    out.push([seg(`── request · ${frames(req.at.frame, req.lastFrame)} · ${conn} ${req.direction} ${t.from} → ${t.to} · ${clockTime(req.at.time, 6)}`, 'head')]);
    out.push([seg(`MSRP ${t.transactionId} ${t.method ?? '?'}`, 'accent')]);
    for (const h of req.headers) out.push([seg(`${h.name}: ${h.value}`)]);
    const body = chunkBody(t, t.message === null ? undefined : ix.message(t.message), opts);
    if (body.length > 0) {
      out.push([]);
      for (const b of body) out.push([seg(b, b.startsWith('[') ? 'dim' : undefined)]);
    }
    out.push(endLine(t.transactionId, req.flag, req.truncated));
  }
  if (rsp !== null) {
    out.push([seg(`── response · ${frames(rsp.at.frame, rsp.lastFrame)} · ${conn} ${rsp.direction} ${t.to} → ${t.from} · ${clockTime(rsp.at.time, 6)}`, 'head')]);
    out.push([seg(`MSRP ${t.transactionId} ${rsp.status}${rsp.comment === '' ? '' : ` ${rsp.comment}`}`, rsp.status >= 300 ? 'fail' : 'accent')]);
    for (const h of rsp.headers) out.push([seg(`${h.name}: ${h.value}`)]);
    out.push(endLine(t.transactionId, '$', rsp.truncated));
  }
  return out;
}

/** Raw lines for a ladder target: one transaction, or every transaction of a folded message leg. */
export function rawLines(doc: JsonDocument, target: LadderTarget, txIds: readonly number[], opts: RawOptions = {}): Line[] {
  const ix = indexDocument(doc);
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
