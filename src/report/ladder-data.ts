/**
 * Ladder data for the report: the ladder view model of src/format (columns, entries in time order, chunk
 * folding) turned into the compact rows the page embeds, with each arrow's hover text (frames, round-trip
 * times) and the lines of the SIP dialog that set the session up.
 */
import type { JsonDocument, JsonTransaction } from '../export/json-types.js';
import { indexDocument, type DocIndex } from '../format/doc-index.js';
import { sipSections } from '../format/detail-sip.js';
import { clockTime, fmtMs } from '../format/format.js';
import { buildLadder, type LadderEntry } from '../format/ladder.js';
import type { Line } from '../format/line.js';
import type { Scope } from '../format/session-list.js';
import type { LadderData, LadderRowData } from './types.js';

function segments(l: Line): Array<[string, string]> {
  return l.map((s) => [s.text, s.style ?? '']);
}

function txText(t: JsonTransaction): string {
  return `${t.method ?? '?'} ${t.transactionId} on connection ${t.connection} (${t.from} → ${t.to})`;
}

function rttText(t: JsonTransaction): string {
  if (t.rttMs !== null) return `RTT ${fmtMs(t.rttMs)}`;
  if (t.state === 'unanswered') return 'no response';
  if (t.expects !== 'response') return 'no response expected';
  return t.response === null ? 'no response' : 'request not seen';
}

function hover(ix: DocIndex, e: LadderEntry): string {
  const target = e.target;
  if (target.kind === 'sip') return `SIP, frame ${target.frame} at ${e.at.time}`;
  if (target.kind === 'transaction') {
    const t = ix.transaction(target.transaction);
    if (t === undefined) return `frame ${e.at.frame}`;
    const part = target.part === 'request' ? 'request' : `response ${t.response?.status ?? ''}`.trim();
    return `${txText(t)}\n${part}, frame ${e.at.frame} at ${e.at.time}\n${rttText(t)}`;
  }
  const m = ix.message(target.message);
  const rtts: number[] = [];
  let sends = 0;
  for (const id of e.transactions) {
    const t = ix.transaction(id);
    if (t === undefined) continue;
    if (t.method === 'SEND') sends++;
    if (t.rttMs !== null) rtts.push(t.rttMs);
  }
  const lines = [`message ${m?.messageId ?? target.message}: ${sends} chunk${sends === 1 ? '' : 's'}, ${e.transactions.length} transaction${e.transactions.length === 1 ? '' : 's'}`];
  lines.push(`first frame ${e.at.frame} at ${e.at.time}`);
  if (rtts.length > 0) {
    const min = rtts.reduce((a, b) => Math.min(a, b));
    const max = rtts.reduce((a, b) => Math.max(a, b));
    lines.push(rtts.length === 1 ? `RTT ${fmtMs(min)}` : `RTT ${fmtMs(min)} … ${fmtMs(max)} (${rtts.length} responses)`);
  } else lines.push('no response');
  if (m !== undefined) lines.push(`delivery ${m.delivery.state}${m.delivery.code === null ? '' : ` ${m.delivery.code}`}${m.delivery.latencyMs === null ? '' : ` in ${fmtMs(m.delivery.latencyMs)}`}`);
  lines.push('click to unfold the chunks');
  return lines.join('\n');
}

function rowData(ix: DocIndex, e: LadderEntry): LadderRowData {
  const r: LadderRowData = {
    k: e.key,
    t: clockTime(e.at.time),
    e: e.at.epoch,
    n: e.at.frame,
    f: e.from,
    o: e.to,
    l: segments(e.label),
    x: e.fail ? 1 : 0,
    s: e.sip ? 2 : e.folded ? 1 : 0,
    h: hover(ix, e),
    q: e.transactions,
  };
  if (e.expandable) r.c = e.children.map((c) => rowData(ix, c));
  return r;
}

/** The diagram data of a session or of a connection that belongs to no session. */
export function ladderData(doc: JsonDocument, scope: Scope): LadderData {
  const ix = indexDocument(doc);
  const l = buildLadder(doc, scope);
  const sip: Array<[string, string, string]> = [];
  const s = scope.kind === 'session' ? ix.session(scope.session) : undefined;
  const d = s?.sip === null || s?.sip === undefined ? undefined : ix.dialog(s.sip.dialog);
  if (d !== undefined) {
    for (const section of sipSections(d)) {
      sip.push(['', section.title, 'head']);
      for (const line of section.lines) {
        const [k, ...rest] = line;
        sip.push([(k?.text ?? '').trim(), rest.map((x) => x.text).join(''), rest.find((x) => x.style !== undefined)?.style ?? '']);
      }
    }
  }
  return {
    id: scope.kind === 'session' ? `session-${scope.session}` : `connection-${scope.connection}`,
    title: l.title,
    p: l.participants.map((p) => ({ s: p.short, l: p.label, k: p.kind })),
    r: l.entries.map((e) => rowData(ix, e)),
    sip,
  };
}
