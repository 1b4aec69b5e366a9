/**
 * Ladder data for the report: the ladder view model of src/format (columns, entries in time order, chunk
 * folding) turned into the compact rows the page embeds, with each arrow's hover text (frames, round-trip
 * times) and the lines of the SIP dialog that set the session up.
 */
import { recordIndex, type LadderTransaction, type RecordIndex, type RecordSource } from '../export/record-index.js';
import { sipFacts } from '../format/detail-sip.js';
import { escapeText } from '../util/escape.js';
import { clockTime, fmtMs } from '../format/format.js';
import { buildLadder, type LadderEntry } from '../format/ladder.js';
import type { Line } from '../format/line.js';
import type { Scope } from '../format/session-list.js';
import type { LadderData, LadderRowData } from './types.js';

function segments(l: Line): Array<[string, string]> {
  return l.map((s) => [s.text, s.style ?? '']);
}

function rttText(t: LadderTransaction): string {
  if (t.rttMs !== null) return `RTT ${fmtMs(t.rttMs)}`;
  if (t.state === 'unanswered') return 'no response';
  if (t.expects !== 'response') return 'no response expected';
  return t.response === null ? 'no response' : 'request not seen';
}

/** Hover text: short, since a long capture has tens of thousands of rows. */
function hover(ix: RecordIndex, e: LadderEntry): string {
  const target = e.target;
  if (target.kind === 'sip') return `SIP · frame ${target.frame}`;
  if (target.kind === 'transaction') {
    const t = ix.ladderTransaction(target.transaction);
    if (t === undefined) return `frame ${e.at.frame}`;
    return `${t.method ?? '?'} ${t.transactionId} · conn ${t.connection} · frame ${e.at.frame} · ${rttText(t)}`;
  }
  const m = ix.ladderMessage(target.message);
  const rtts: number[] = [];
  let sends = 0;
  for (const id of e.transactions) {
    const t = ix.ladderTransaction(id);
    if (t === undefined) continue;
    if (t.method === 'SEND') sends++;
    if (t.rttMs !== null) rtts.push(t.rttMs);
  }
  const parts = [`${m?.messageId ?? target.message}`, `${sends} chunk${sends === 1 ? '' : 's'}`, `frame ${e.at.frame}`];
  if (rtts.length > 0) {
    const min = rtts.reduce((a, b) => Math.min(a, b));
    const max = rtts.reduce((a, b) => Math.max(a, b));
    parts.push(min === max ? `RTT ${fmtMs(min)}` : `RTT ${fmtMs(min)} … ${fmtMs(max)}`);
  } else parts.push('no response');
  if (m !== undefined) parts.push(`${m.delivery.state}${m.delivery.code === null ? '' : ` ${m.delivery.code}`}${m.delivery.latencyMs === null ? '' : ` in ${fmtMs(m.delivery.latencyMs)}`}`);
  return parts.join(' · ');
}

function rowData(ix: RecordIndex, e: LadderEntry, base: number): LadderRowData {
  const r: LadderRowData = {
    t: clockTime(e.at.time),
    e: Math.round((e.at.epoch - base) * 1e6),
    n: e.at.frame,
    f: e.from,
    o: e.to,
    l: segments(e.label),
    h: hover(ix, e),
    q: e.transactions,
  };
  // Failed as in the ladder (non-2xx, failure REPORT, aborted), and also when cut: drawn red.
  if (e.fail || e.cut) r.x = 1;
  if (e.sip) r.s = 2;
  else if (e.folded) r.s = 1;
  if (e.expandable) {
    r.k = e.key;
    r.c = e.children.map((c) => rowData(ix, c, base));
  }
  return r;
}

/** The diagram data of a session or of a connection that belongs to no session. */
export function ladderData(source: RecordSource, scope: Scope): LadderData {
  const ix = recordIndex(source);
  const l = buildLadder(ix, scope);
  const base = Math.floor(l.entries[0]?.at.epoch ?? 0);
  const sip: Array<[string, string, string]> = [];
  const s = scope.kind === 'session' ? ix.session(scope.session) : undefined;
  const d = s?.sip === null || s?.sip === undefined ? undefined : ix.dialog(s.sip.dialog);
  if (d !== undefined) {
    for (const section of sipFacts(d)) {
      sip.push(['', section.title, 'head']);
      for (const [k, v, style] of section.facts) sip.push([k.trim(), escapeText(v), style ?? '']);
    }
  }
  return {
    id: scope.kind === 'session' ? `session-${scope.session}` : `connection-${scope.connection}`,
    title: l.title,
    b: base,
    p: l.participants.map((p) => ({ s: p.short, l: p.label, k: p.kind })),
    r: l.entries.map((e) => rowData(ix, e, base)),
    sip,
  };
}
