/**
 * Ladder entries from transactions: SEND chunks folded per message leg with the REPORTs travelling back
 * along it, other requests and responses one arrow each, and the SIP INVITE / answer / BYE.
 */
import type { JsonDirection, JsonSession, JsonTime } from '../export/json-types.js';
import { abortPoint, abortText, requestDirection, txTimeOrder } from './chunks.js';
import { callerIsB } from './sip-roles.js';
import type { LadderMessage, LadderTransaction, RecordIndex } from '../export/record-index.js';
import { fmtBytes, fmtMs, fmtStatus, isFailure, sipIdentity } from './format.js';
import { rangeText } from './detail-format.js';
import type { LadderEntry } from './ladder-types.js';
import { seg, type Line } from './line.js';

export { requestDirection };

function timeOf(t: LadderTransaction): JsonTime {
  return t.request?.at ?? t.response?.at ?? { frame: 0, time: '', epoch: 0 };
}

export function byTime(a: { at: JsonTime }, b: { at: JsonTime }): number {
  return a.at.epoch - b.at.epoch || a.at.frame - b.at.frame;
}


interface Ends {
  from: number;
  to: number;
}

export type Resolver = (t: LadderTransaction) => Ends;

/** A transaction's Byte-Range as `1-100/300` (nothing when it has none). */
function byteRangeText(t: LadderTransaction): string {
  return t.byteRange === null ? '' : rangeText(t.byteRange);
}

/** The ladder entry of one request or response of a transaction (an arrow from `e.from` to `e.to`). */
function partEntry(t: LadderTransaction, part: 'request' | 'response', at: JsonTime, e: Ends, label: Line, fail: boolean, cut: boolean, keyPrefix: string): LadderEntry {
  return {
    key: `${keyPrefix}t${t.id}${part === 'request' ? 'q' : 'r'}`,
    at,
    from: e.from,
    to: e.to,
    label,
    fail,
    cut,
    folded: false,
    sip: false,
    target: { kind: 'transaction', transaction: t.id, part },
    transactions: [t.id],
    expandable: false,
    children: [],
  };
}

function requestEntry(ix: RecordIndex, t: LadderTransaction, e: Ends, keyPrefix: string): LadderEntry | undefined {
  const req = t.request;
  if (req === null) return undefined;
  const method = t.method ?? '?';
  const label: Line = [seg(method, 'head')];
  let fail = false;
  if (method === 'SEND') {
    label.push(seg(` ${byteRangeText(t)} ${fmtBytes(req.bodyLength)}${req.flag === null ? '' : ` ${req.flag}`}`));
    if (req.flag === '#') fail = true;
  } else if (method === 'REPORT' && t.status !== null) {
    fail = isFailure(t.status.code);
    label.push(seg(` ${fmtStatus(t.status)}`, fail ? 'fail' : undefined));
    if (t.byteRange !== null) label.push(seg(` ${byteRangeText(t)}`));
  } else if (method === 'AUTH') {
    const auth = ix.authOfTransaction(t.id);
    const attempt = auth?.attempts.find((x) => x.transaction === t.id);
    if (attempt?.authorization === true) label.push(seg(' (with credentials)'));
  }
  if (req.truncated) label.push(seg(' (cut)', 'warn'));
  if (t.state === 'unanswered') label.push(seg(' … no response', 'warn'));
  return partEntry(t, 'request', req.at, e, label, fail, req.truncated, keyPrefix);
}

function responseEntry(t: LadderTransaction, e: Ends, keyPrefix: string): LadderEntry | undefined {
  const rsp = t.response;
  if (rsp === null) return undefined;
  const fail = isFailure(rsp.status);
  const label: Line = [seg(`${rsp.status}${rsp.comment === '' ? '' : ` ${rsp.comment}`}`, fail ? 'fail' : 'ok')];
  if (t.rttMs !== null) label.push(seg(` · ${fmtMs(t.rttMs)}`));
  if (t.state === 'orphan-response') label.push(seg(' (request not seen)', 'warn'));
  if (t.method !== null && t.method !== 'SEND') label.push(seg(` (${t.method})`, 'dim'));
  if (rsp.truncated) label.push(seg(' (cut)', 'warn'));
  return partEntry(t, 'response', rsp.at, { from: e.to, to: e.from }, label, fail, rsp.truncated, keyPrefix);
}

function plainEntries(ix: RecordIndex, t: LadderTransaction, e: Ends, out: LadderEntry[], keyPrefix = ''): void {
  const q = requestEntry(ix, t, e, keyPrefix);
  if (q !== undefined) out.push(q);
  const r = responseEntry(t, e, keyPrefix);
  if (r !== undefined) out.push(r);
}

interface Group {
  key: string;
  message: number;
  connection: number;
  direction: JsonDirection;
  sends: LadderTransaction[];
  reports: LadderTransaction[];
}

function groupEntry(ix: RecordIndex, g: Group, resolve: Resolver): LadderEntry {
  const m: LadderMessage | undefined = ix.ladderMessage(g.message);
  // The header stands at the first chunk's time, whatever order the document lists the chunks in.
  const sends = [...g.sends].sort(txTimeOrder);
  const first = sends[0];
  const e = first === undefined ? { from: 0, to: 0 } : resolve(first);
  const leg = m?.legs.find((l) => l.connection === g.connection && l.direction === g.direction);
  const chunks = leg?.chunks ?? sends.length;
  const bytes = leg?.bytes ?? sends.reduce((n, t) => n + (t.request?.bodyLength ?? 0), 0);
  const total = leg?.total ?? m?.size ?? null;
  // The leg's own state first: it is what a narrow screen must still show.
  const state = leg?.state ?? m?.state;
  const abort = state === 'aborted' ? abortPoint(sends, total) : undefined;
  const label: Line = [seg('SEND', 'head')];
  let fail = false;
  if (abort !== undefined) {
    fail = true;
    label.push(seg(' '), seg(abortText(abort), 'fail'));
  } else {
    const size = total !== null && total > bytes ? `${bytes} of ${total} B` : `${bytes} B`;
    label.push(seg(` ${size}${chunks > 1 ? ` in ${chunks} chunks` : ''}`));
    if (state === 'aborted') {
      fail = true;
      label.push(seg(' aborted', 'fail'));
    } else if (state === 'incomplete') {
      label.push(seg(' incomplete', 'warn'));
    }
  }
  let failCode: number | null = null;
  let okCode: number | null = null;
  let unanswered = 0;
  const codes = new Map<number, number>();
  let end = first === undefined ? 0 : timeOf(first).epoch;
  const start = end;
  for (const t of sends) {
    end = Math.max(end, t.request?.at.epoch ?? 0);
    if (t.response !== null) {
      end = Math.max(end, t.response.at.epoch);
      codes.set(t.response.status, (codes.get(t.response.status) ?? 0) + 1);
      if (isFailure(t.response.status)) failCode ??= t.response.status;
      else okCode ??= t.response.status;
    } else if (t.expects === 'response') unanswered++;
  }
  if (state === 'aborted') {
    // The hop accepted the chunks it got, but the message did not get through: responses are listed
    // neutrally (failures still red), never as a success mark.
    if (failCode !== null) fail = true;
    const sorted = [...codes].sort((a, b) => a[0] - b[0]);
    sorted.forEach(([code, n], i) => label.push(seg(i === 0 ? ' · ' : ' '), seg(`${n}×${code}`, isFailure(code) ? 'fail' : undefined)));
  } else if (failCode !== null) {
    fail = true;
    label.push(seg(` ✗ ${failCode}`, 'fail'));
  } else if (okCode !== null) {
    label.push(seg(` ✓ ${okCode}`, 'ok'));
  }
  if (unanswered > 0) label.push(seg(okCode === null && failCode === null ? ' … no response' : ` (${unanswered} unanswered)`, 'warn'));
  const lastReport = g.reports[g.reports.length - 1];
  if (lastReport !== undefined) {
    const st = lastReport.status;
    const rfail = isFailure(st?.code);
    if (rfail) fail = true;
    const what = g.reports.length > 1 ? `${g.reports.length} REPORTs, last ` : 'REPORT ';
    label.push(seg(' · '), seg(`${what}${st === null ? '(no status)' : fmtStatus(st)}`, rfail ? 'fail' : undefined));
    for (const r of g.reports) end = Math.max(end, timeOf(r).epoch);
  }
  if (end > start) label.push(seg(` · ${fmtMs((end - start) * 1000)}`));
  let children: LadderEntry[] | undefined;
  const unfold = (): LadderEntry[] => {
    const out: LadderEntry[] = [];
    const prefix = `${g.key}/`;
    for (const t of sends) plainEntries(ix, t, resolve(t), out, prefix);
    for (const t of g.reports) plainEntries(ix, t, resolve(t), out, prefix);
    return out.sort(byTime);
  };
  return {
    key: g.key,
    at: first === undefined ? { frame: 0, time: '', epoch: 0 } : timeOf(first),
    from: e.from,
    to: e.to,
    label,
    fail,
    cut: [...sends, ...g.reports].some((t) => t.request?.truncated === true || t.response?.truncated === true),
    folded: true,
    sip: false,
    target: { kind: 'message', message: g.message, transaction: first?.id ?? null },
    transactions: [...sends, ...g.reports].map((t) => t.id),
    expandable: true,
    get children(): LadderEntry[] {
      children ??= unfold();
      return children;
    },
  };
}

/**
 * Entries for transactions: SEND chunks folded per message leg (message, sender column, receiver column),
 * REPORTs attached to the leg they travel back along.
 */
export function transactionEntries(ix: RecordIndex, txs: readonly LadderTransaction[], resolve: Resolver): LadderEntry[] {
  const groups = new Map<string, Group>();
  const out: LadderEntry[] = [];
  const loose: LadderTransaction[] = [];
  for (const t of txs) {
    if (t.method === 'SEND' && t.message !== null) {
      const e = resolve(t);
      const key = `m${t.message}:${e.from}>${e.to}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = { key, message: t.message, connection: t.connection, direction: requestDirection(t), sends: [], reports: [] };
        groups.set(key, g);
      }
      g.sends.push(t);
    }
  }
  for (const t of txs) {
    if (t.method === 'SEND' && t.message !== null) continue;
    if (t.method === 'REPORT' && t.message !== null) {
      const e = resolve(t);
      const g = groups.get(`m${t.message}:${e.to}>${e.from}`);
      if (g !== undefined) {
        g.reports.push(t);
        continue;
      }
    }
    loose.push(t);
  }
  for (const g of groups.values()) out.push(groupEntry(ix, g, resolve));
  for (const t of loose) plainEntries(ix, t, resolve(t), out);
  return out;
}

export function sipEntries(ix: RecordIndex, s: JsonSession, colA: number, colB: number): LadderEntry[] {
  if (s.sip === null) return [];
  const d = ix.dialog(s.sip.dialog);
  if (d === undefined) return [];
  const b = callerIsB(s, d);
  const caller = b ? colB : colA;
  const callee = b ? colA : colB;
  const out: LadderEntry[] = [];
  const mk = (key: string, at: JsonTime, from: number, to: number, text: string, fail = false): LadderEntry => ({
    key: `sip${d.id}${key}`,
    at,
    from,
    to,
    label: [seg('SIP ', 'sip'), seg(text, fail ? 'fail' : 'sip')],
    fail,
    cut: false,
    folded: false,
    sip: true,
    target: { kind: 'sip', dialog: d.id, frame: at.frame },
    transactions: [],
    expandable: false,
    children: [],
  });
  const inviteAt = d.offer?.kind === 'request' && d.offer.method === 'INVITE' ? d.offer.at : d.first;
  const who = d.from === null ? '' : ` ${sipIdentity(d.from)} → ${d.to === null ? '?' : sipIdentity(d.to)}`;
  out.push(mk('i', inviteAt, caller, callee, `INVITE${who}`));
  if (d.answer !== null && d.answer.kind === 'response' && d.answer.status !== null) {
    out.push(mk('a', d.answer.at, callee, caller, `${d.answer.status} (SDP answer)`, isFailure(d.answer.status)));
  }
  if (d.terminatedBy === 'BYE') {
    const byCallee = d.byeFrom === 'callee';
    out.push(mk('b', d.last, byCallee ? callee : caller, byCallee ? caller : callee, `BYE (${d.byeFrom ?? 'dialog'} ends the call)`));
  } else if (d.terminatedBy !== null) {
    out.push(mk('t', d.last, callee, caller, `dialog ended: ${d.terminatedBy}`, true));
  }
  return out;
}

