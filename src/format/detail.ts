/**
 * Message detail: what one ladder line stands for, as titled sections — message facts, delivery and
 * REPORTs, the typed headers of the selected request/response, the CPIM envelope, the body (escaped
 * text or hex dump), Byte-Range coverage per leg, the hop table with delays, and the diagnostics raised
 * on its frames. Transactions outside messages (AUTH, NICKNAME) and SIP dialogs get their own sections.
 */
import type { JsonDiagnostic, JsonDocument, JsonHeader, JsonMessage, JsonTransaction } from '../export/json-types.js';
import { bodyLines } from './body-text.js';
import { abortPoint, abortText, abortWhere, legSends } from './chunks.js';
import { coverageBar } from './coverage.js';
import { chunksSection } from './detail-chunks.js';
import { at, frames, KEY_WIDTH, kv, line1, rangeText, type DetailOptions, type Section } from './detail-format.js';
import { authSection, sipSections } from './detail-sip.js';
import { recordIndex, type RecordIndex, type RecordSource } from '../export/record-index.js';
import { clockTime, fmtBytes, fmtMs, fmtStatus, isFailure } from './format.js';
import type { LadderTarget } from './ladder.js';
import { seg, type Line, type Style } from './line.js';
import { fit } from './text-width.js';

export type { DetailOptions, Section } from './detail-format.js';

/** Frames a transaction occupies, per connection: [connection, first, last]. */
function txFrames(t: JsonTransaction): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  if (t.request !== null) out.push([t.connection, t.request.at.frame, t.request.lastFrame]);
  if (t.response !== null) out.push([t.connection, t.response.at.frame, t.response.lastFrame]);
  return out;
}

/** Diagnostics raised on any frame of these transactions (same connection). */
export function diagnosticsFor(doc: Pick<JsonDocument, 'diagnostics'>, txs: readonly JsonTransaction[]): JsonDiagnostic[] {
  const spans = new Map<number, Array<[number, number]>>();
  for (const t of txs) {
    for (const [c, lo, hi] of txFrames(t)) {
      const l = spans.get(c);
      if (l === undefined) spans.set(c, [[lo, hi]]);
      else l.push([lo, hi]);
    }
  }
  return doc.diagnostics.filter((d) => spans.get(d.connection)?.some(([lo, hi]) => d.frame >= lo && d.frame <= hi) === true);
}

/** Typed reading of a header value where the transaction record has it parsed. */
function typedValue(h: JsonHeader, t: JsonTransaction): string | undefined {
  const name = h.name.toLowerCase();
  if (name === 'byte-range' && t.byteRange !== null) {
    const r = t.byteRange;
    return `bytes ${r.start}–${r.end ?? '?'} of ${r.total ?? 'unknown total'}`;
  }
  if (name === 'status' && t.status !== null) return `namespace ${t.status.namespace}, code ${t.status.code}`;
  if (name === 'to-path' && t.toPath.length > 1) return `${t.toPath.length} hops`;
  if (name === 'from-path' && t.fromPath.length > 1) return `${t.fromPath.length} hops`;
  return undefined;
}

function headerLines(headers: readonly JsonHeader[], t: JsonTransaction): Line[] {
  return headers.map((h) => {
    const typed = typedValue(h, t);
    const l: Line = [seg(`${h.name}: `, 'accent'), seg(h.value)];
    if (typed !== undefined) l.push(seg(`  (${typed})`, 'dim'));
    return l;
  });
}

function transactionSection(ix: RecordIndex, t: JsonTransaction): Section {
  const c = ix.connection(t.connection);
  const lines: Line[] = [];
  const req = t.request;
  const rsp = t.response;
  lines.push(kv('transaction', `${t.transactionId}  (${t.state}${t.rttMs === null ? '' : `, rtt ${fmtMs(t.rttMs)}`})`));
  lines.push(kv('connection', `${t.connection}  ${t.from} → ${t.to}${c === undefined ? '' : `  ${c.transport}`}`));
  if (req !== null) {
    lines.push([seg('request  ', 'head'), seg(`MSRP ${t.transactionId} ${t.method ?? '?'}`), seg(`  ${frames(req.at.frame, req.lastFrame)} ${req.direction} at ${clockTime(req.at.time, 6)}`, 'dim')]);
    lines.push(...headerLines(req.headers, t));
    const flag = req.flag === null ? 'none (cut)' : req.flag === '$' ? '$ (last chunk)' : req.flag === '+' ? '+ (more chunks follow)' : '# (aborted)';
    lines.push(kv('body', `${fmtBytes(req.bodyLength)}, end flag ${flag}${req.truncated ? ', cut by the capture' : ''}`, req.flag === '#' ? 'fail' : undefined));
  } else {
    lines.push(line1('request not seen', 'warn'));
  }
  if (rsp !== null) {
    const fail = isFailure(rsp.status);
    lines.push([seg('response ', 'head'), seg(`MSRP ${t.transactionId} ${rsp.status} ${rsp.comment}`, fail ? 'fail' : 'ok'), seg(`  ${frames(rsp.at.frame, rsp.lastFrame)} ${rsp.direction} at ${clockTime(rsp.at.time, 6)}`, 'dim')]);
    lines.push(...headerLines(rsp.headers, t));
  } else if (t.expects === 'response') {
    lines.push(line1('no response in the capture', 'warn'));
  }
  if (t.extraResponses > 0) lines.push(line1(`${t.extraResponses} more responses to this transaction`, 'warn'));
  return { title: `${t.method ?? 'Response'} ${t.transactionId}`, lines };
}

function messageSection(m: JsonMessage): Section {
  const lines: Line[] = [
    kv('Message-ID', m.messageId),
    kv('session', m.session === null ? '-' : String(m.session)),
    kv('from', m.from ?? '-'),
    kv('to', m.to ?? '-'),
    kv('Content-Type', m.contentType ?? '-'),
  ];
  if (m.contentDisposition !== null) lines.push(kv('Content-Disposition', m.contentDisposition));
  const size = m.size === null ? 'size unknown' : fmtBytes(m.size);
  lines.push(kv('size', `${size}, ${m.bytesSeen} B seen in ${m.chunks} chunk${m.chunks === 1 ? '' : 's'}`));
  lines.push(kv('state', m.state, m.state === 'aborted' ? 'fail' : m.state === 'incomplete' ? 'warn' : 'ok'));
  lines.push(kv('first / last', `${at(m.first)} / ${at(m.last)}`));
  if (m.sha256 !== null) lines.push(kv('sha256', m.sha256));
  if (m.sha1 !== null) lines.push(kv('sha1', m.sha1));
  lines.push(kv('reports asked', `Success-Report ${m.successReport ?? '(no)'}, Failure-Report ${m.failureReport ?? '(yes)'}`));
  return { title: `Message ${m.id}`, lines };
}

/** Where the message was aborted: by whom, at which byte of how many, in which chunk and frame. */
function abortLines(ix: RecordIndex, m: JsonMessage, known: boolean): Line[] {
  const legIndex = m.legs.findIndex((l) => l.state === 'aborted');
  const leg = m.legs[legIndex];
  const a = leg === undefined ? undefined : abortPoint(legSends(ix.messageTransactions(m.id), leg), leg.total ?? m.size);
  const lines: Line[] = [known ? kv('aborted', abortWhere(a), 'fail') : kv('delivery', `# ${abortText(a)}`, 'fail')];
  if (leg === undefined) return lines;
  const on = `hop ${legIndex}  ${leg.from} → ${leg.to}  conn ${leg.connection}`;
  const passed = m.legs.flatMap((l, i) => (i !== legIndex && l.state === 'aborted' ? [i] : []));
  lines.push(kv('aborted on', passed.length === 0 ? on : `${on}; passed on by ${passed.length === 1 ? 'hop' : 'hops'} ${passed.join(', ')}`));
  return lines;
}

function deliverySection(ix: RecordIndex, m: JsonMessage): Section {
  const d = m.delivery;
  const style: Style = d.state === 'delivered' ? 'ok' : d.state === 'failed' ? 'fail' : 'warn';
  const mark = d.state === 'delivered' ? '✓' : d.state === 'failed' ? '✗' : '?';
  const aborted = m.state === 'aborted';
  // An aborted message with no verdict of its own reads as aborted, not as "unknown".
  const lines: Line[] = aborted && d.state === 'unknown' ? [] : [kv('delivery', `${mark} ${d.state}${d.code === null ? '' : ` ${d.code}`}${d.via === null ? '' : ` (by ${d.via})`}`, style)];
  if (aborted) lines.push(...abortLines(ix, m, lines.length > 0));
  if (d.at !== null) lines.push(kv('known at', `${at(d.at)}${d.latencyMs === null ? '' : `, ${fmtMs(d.latencyMs)} after the first chunk`}`));
  for (const r of m.reports) {
    const fail = isFailure(r.status?.code);
    lines.push([
      seg(`${fit('REPORT', KEY_WIDTH - 1)} `, 'dim'),
      seg(r.status === null ? '(no Status)' : fmtStatus(r.status), fail ? 'fail' : 'ok'),
      seg(`  ${rangeText(r.byteRange)}  conn ${r.connection} ${r.direction}  ${at(r.at)}`),
    ]);
  }
  if (m.reportCount > m.reports.length) lines.push(line1(`… ${m.reportCount - m.reports.length} more REPORTs`, 'dim'));
  if (m.reportCount === 0) lines.push(line1('no REPORT seen', 'dim'));
  return { title: 'Delivery', lines };
}

function cpimSection(m: JsonMessage): Section | undefined {
  const c = m.cpim;
  if (c === null) return undefined;
  const lines: Line[] = [];
  if (c.from !== null) lines.push(kv('From', c.from));
  for (const to of c.to) lines.push(kv('To', to));
  for (const cc of c.cc) lines.push(kv('cc', cc));
  if (c.dateTime !== null) lines.push(kv('DateTime', c.dateTime));
  for (const s of c.subject) lines.push(kv('Subject', s));
  for (const ns of c.ns) lines.push(kv('NS', `${ns.prefix} <${ns.uri}>`));
  if (c.imdnMessageId !== null) lines.push(kv('imdn.Message-ID', c.imdnMessageId));
  if (c.imdnDisposition !== null) lines.push(kv('imdn.Disp-Notif.', c.imdnDisposition));
  const known = new Set(['from', 'to', 'cc', 'datetime', 'subject', 'ns', 'imdn.message-id', 'imdn.disposition-notification']);
  for (const h of c.headers) if (!known.has(h.name.toLowerCase())) lines.push(kv(h.name, h.value));
  for (const h of c.contentHeaders) lines.push(kv(h.name, h.value));
  return { title: 'CPIM envelope', lines };
}

function extrasSections(ix: RecordIndex, m: JsonMessage): Section[] {
  const out: Section[] = [];
  if (m.imdn !== null) {
    const n = m.imdn;
    const lines = [kv('about', n.messageId), kv('kind', n.kind ?? '-'), kv('status', n.status ?? '-')];
    if (n.recipient !== null) lines.push(kv('recipient', n.recipient));
    if (n.dateTime !== null) lines.push(kv('DateTime', n.dateTime));
    if (n.acknowledges !== null) lines.push(kv('acknowledges', `message ${n.acknowledges} (${ix.message(n.acknowledges)?.messageId ?? '?'})`));
    out.push({ title: 'IMDN notification', lines });
  }
  if (m.notifications.length > 0) {
    out.push({
      title: 'IMDN notifications received',
      lines: m.notifications.map((i) => {
        const n = ix.message(i);
        return kv(`message ${i}`, `${n?.imdn?.kind ?? '?'} ${n?.imdn?.status ?? ''}`.trim());
      }),
    });
  }
  if (m.composing !== null) {
    const c = m.composing;
    out.push({ title: 'isComposing', lines: [kv('state', c.state ?? '-'), kv('content type', c.contentType ?? '-'), kv('refresh', c.refresh === null ? '-' : `${c.refresh} s`)] });
  }
  if (m.file !== null) {
    const f = m.file;
    const style: Style = f.state === 'verified' ? 'ok' : f.state === 'mismatch' ? 'fail' : 'warn';
    out.push({
      title: 'File transfer',
      lines: [
        kv('name', f.selector.name ?? '-'),
        kv('type', f.selector.type ?? '-'),
        kv('size', `${f.expectedSize ?? '?'} expected, ${f.actualSize ?? '?'} received`),
        kv('hash', `${f.algorithm ?? '-'} ${f.expectedHash ?? ''}`.trim()),
        kv('check', f.state, style),
      ],
    });
  }
  return out;
}

function coverageSection(m: JsonMessage, width: number): Section {
  const lines: Line[] = [];
  const total = m.size ?? Math.max(0, ...m.legs.map((l) => l.ranges.reduce((n, r) => Math.max(n, r[1]), 0)));
  const barWidth = Math.max(10, width - 34);
  m.legs.forEach((l, i) => {
    const bar = coverageBar(l.ranges, total, barWidth);
    const style: Style = l.state === 'complete' ? 'ok' : l.state === 'aborted' ? 'fail' : 'warn';
    lines.push([seg(`leg ${i} `, 'dim'), seg(`[${bar}]`, style), seg(` ${l.covered}/${total} B`)]);
    if (l.holes.length > 0) lines.push([seg('      holes ', 'dim'), seg(l.holes.slice(0, 8).map(([a, b]) => `${a}-${b}`).join(', ') + (l.holes.length > 8 ? ' …' : ''), 'warn')]);
    if (l.overlapBytes > 0 || l.outOfOrder > 0) lines.push(line1(`      ${l.overlapBytes} B overlapping, ${l.outOfOrder} chunks out of order`, 'warn'));
  });
  if (m.legs.length === 0) lines.push(line1('no leg', 'dim'));
  return { title: 'Byte-Range coverage', lines };
}

/** Why a leg has no final response (the response to its `$` chunk). */
function noFinal(l: JsonMessage['legs'][number]): string {
  if (l.state === 'aborted') return 'no final response (aborted)';
  if (l.lastFlag === '$') return 'no final response (last chunk unanswered)';
  return 'no final response (last chunk not seen)';
}

/**
 * One entry per leg, four lines each (fits 80 columns): where it went; what it carried and the response
 * to its last chunk; when its first chunk left, after the previous hop's and the message's first chunk;
 * the response times of its chunks. The help screen explains the words.
 */
function hopSection(m: JsonMessage): Section {
  const lines: Line[] = [];
  m.legs.forEach((l, i) => {
    const fr = l.finalResponse;
    const stateStyle: Style = l.state === 'complete' ? 'ok' : l.state === 'aborted' ? 'fail' : 'warn';
    lines.push([
      seg(`hop ${i}`, 'head'),
      seg(`  conn ${l.connection} ${l.direction}  ${l.from} → ${l.to}`),
      seg(`  To-Path ${l.hops}`, 'dim'),
    ]);
    lines.push([
      seg(`      ${l.chunks} chunk${l.chunks === 1 ? '' : 's'}, ${fmtBytes(l.bytes)}, `),
      seg(l.state, stateStyle),
      seg(' · '),
      fr === null ? seg(noFinal(l), l.state === 'aborted' ? 'fail' : 'warn') : seg(`final response ${fr.status}`, isFailure(fr.status) ? 'fail' : 'ok'),
      seg(fr === null ? '' : ` (frame ${fr.frame})`, 'dim'),
    ]);
    lines.push(line1(i === 0 ? "      first hop (the message's first chunk)" : `      +${fmtMs(l.delayMs)} since previous hop · +${fmtMs(l.offsetMs)} since first hop`));
    const r = l.rttMs;
    lines.push(line1(r === null ? '      no response time (no chunk answered)' : `      response time ${fmtMs(r.mean)}${r.count > 1 ? ` avg${r.min === r.max ? '' : ` (${fmtMs(r.min)}–${fmtMs(r.max)})`}` : ''}`));
  });
  if (lines.length === 0) lines.push(line1('no leg', 'dim'));
  return { title: 'Hops', lines };
}

function diagnosticsSection(diags: readonly JsonDiagnostic[]): Section {
  const lines: Line[] = diags.map((d) => [
    seg(fit(`frame ${d.frame}`, 12), 'dim'),
    seg(`${d.code} `, d.severity === 'error' ? 'fail' : d.severity === 'warning' ? 'warn' : undefined),
    seg(`conn ${d.connection}${d.offset === undefined ? '' : ` +${d.offset}`}  ${d.detail}`),
  ]);
  if (lines.length === 0) lines.push(line1('none', 'dim'));
  return { title: 'Diagnostics', lines };
}

/** Sections for a ladder target. */
export function detailSections(source: RecordSource, target: LadderTarget, opts: DetailOptions): Section[] {
  const ix = recordIndex(source);
  const doc = ix.head;
  if (target.kind === 'sip') {
    const d = ix.dialog(target.dialog);
    return d === undefined ? [{ title: 'SIP dialog', lines: [line1('not in the capture', 'warn')] }] : sipSections(d);
  }
  const tx = target.kind === 'transaction' ? ix.transaction(target.transaction) : target.transaction === null ? undefined : ix.transaction(target.transaction);
  const messageId = target.kind === 'message' ? target.message : (tx?.message ?? null);
  const m = messageId === null ? undefined : ix.message(messageId);
  const out: Section[] = [];
  if (m === undefined) {
    if (tx === undefined) return [{ title: 'Detail', lines: [line1('not in the capture', 'warn')] }];
    out.push(transactionSection(ix, tx));
    const a = authSection(ix, tx);
    if (a !== undefined) out.push(a);
    out.push(diagnosticsSection(diagnosticsFor(doc, [tx])));
    return out;
  }
  out.push(messageSection(m), deliverySection(ix, m));
  if (tx !== undefined) out.push(transactionSection(ix, tx));
  const cpim = cpimSection(m);
  if (cpim !== undefined) out.push(cpim);
  out.push(...extrasSections(ix, m));
  const body = bodyLines(m, opts.body);
  out.push({ title: body.hex ? 'Body (hex)' : 'Body', lines: body.lines.map((t) => line1(t)) });
  out.push(coverageSection(m, opts.width), hopSection(m), chunksSection(m, ix.messageTransactions(m.id), opts.chunkPage ?? 0));
  out.push(diagnosticsSection(diagnosticsFor(doc, ix.messageTransactions(m.id))));
  return out;
}

/** Sections as lines: a title line per section, its lines indented, a blank line between sections. */
export function sectionLines(sections: readonly Section[]): Line[] {
  const out: Line[] = [];
  sections.forEach((s, i) => {
    if (i > 0) out.push([]);
    out.push([seg(`── ${s.title} `, 'head')]);
    for (const l of s.lines) out.push([{ text: '  ' }, ...l]);
  });
  return out;
}

