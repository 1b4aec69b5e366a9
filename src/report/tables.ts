/**
 * The report's tables as data (the page renders them a page at a time): sessions (the session list's rows of
 * src/format), messages with delivery and latency, diagnostics grouped by code, and the capture's facts.
 */
import type { JsonMessage } from '../export/json-types.js';
import { recordIndex, type DocumentHead, type RecordIndex, type RecordSource } from '../export/record-index.js';
import { diagnosticItems } from '../format/diagnostics.js';
import { clockTime, datePart, fmtBytes, fmtMs, shortUri } from '../format/format.js';
import { deliveryText } from '../format/session-list-lines.js';
import { authFailed, rowFailed, type SessionRow } from '../format/session-list.js';
import type { Cell, Row, TableData, TableSource } from './types.js';

/** The id a session row's diagram has in the page (`session-3`, `connection-1`). */
export function scopeId(r: SessionRow): string {
  return r.scope.kind === 'session' ? `session-${r.scope.session}` : `connection-${r.scope.connection}`;
}

/** The session list's Delivery cell (src/format's text), with the report's class. */
function deliveryCell(r: SessionRow): Cell {
  if (r.auth !== null) return { t: deliveryText(r), c: authFailed(r) ? 'fail' : r.auth.result === 'authorized' ? 'ok' : 'warn' };
  if (r.scope.kind === 'connection') return '-';
  return { t: deliveryText(r), c: r.failed > 0 ? 'fail' : r.unknown > 0 ? '' : 'ok' };
}

/** The session table of the session list's rows (sessionRows of the document). */
export function sessionTable(rows: readonly SessionRow[]): TableData {
  return {
    columns: ['#', 'Start', 'Ends', 'Relays', 'Call-ID / connection', 'Msgs', 'Bytes', 'Delivery', 'Unans', 'State'],
    numeric: [5, 6, 8],
    wrap: [2, 3, 4],
    rows: rows.map((r): Row => [
      rowFailed(r) ? 'row-fail' : '',
      { t: r.label, a: scopeId(r) },
      r.start === null ? '-' : clockTime(r.start.time),
      `${r.ends[0]} ↔ ${r.ends[1]}`,
      r.relays.join(', '),
      r.callId ?? '',
      r.scope.kind === 'session' ? r.messages : '-',
      r.scope.kind === 'session' ? fmtBytes(r.bytes) : '-',
      deliveryCell(r),
      r.unanswered === 0 ? '' : { t: String(r.unanswered), c: 'warn' },
      r.state,
    ]),
  };
}

function messageState(m: JsonMessage): Cell {
  if (m.state === 'aborted') return { t: `aborted at ${m.bytesSeen} of ${m.size ?? '?'} B`, c: 'fail' };
  if (m.state === 'incomplete') return { t: `incomplete (${m.bytesSeen} of ${m.size ?? '?'} B)`, c: 'warn' };
  return { t: 'complete', c: 'ok' };
}

function deliveryOf(m: JsonMessage): Cell {
  const d = m.delivery;
  const text = `${d.state}${d.code === null ? '' : ` ${d.code}`}${d.via === null ? '' : ` (${d.via})`}`;
  return { t: text, c: d.state === 'failed' ? 'fail' : d.state === 'delivered' ? 'ok' : 'warn' };
}

function messageRow(ix: RecordIndex, m: JsonMessage): Row {
  const fail = m.state === 'aborted' || m.delivery.state === 'failed';
  const hops = m.legs.length;
  const preview = m.preview === null ? '' : m.preview.length > 60 ? `${m.preview.slice(0, 59)}…` : m.preview;
  return [
    fail ? 'row-fail' : m.state === 'incomplete' ? 'row-warn' : '',
    m.id,
    m.session === null ? '-' : { t: String(m.session), a: `session-${m.session}` },
    clockTime(m.first.time),
    m.messageId,
    `${m.from === null ? '?' : shortUri(m.from)} → ${m.to === null ? '?' : shortUri(m.to)}`,
    m.contentType ?? '',
    m.size === null ? fmtBytes(m.bytesSeen) : fmtBytes(m.size),
    m.chunks,
    hops,
    messageState(m),
    deliveryOf(m),
    m.delivery.latencyMs === null ? '-' : fmtMs(m.delivery.latencyMs),
    ix.messageTransactionCount(m.id),
    preview,
  ];
}

/** The message table, a row per message made as it is read (a capture's messages are never all held as rows). */
export function messageTableSource(source: RecordSource): TableSource {
  const ix = recordIndex(source);
  return {
    columns: ['#', 'Session', 'First', 'Message-ID', 'From → To', 'Content-Type', 'Size', 'Chunks', 'Hops', 'State', 'Delivery', 'Latency', 'Txs', 'Preview'],
    numeric: [0, 6, 7, 8, 11, 12],
    wrap: [4, 5, 9, 10, 13],
    count: ix.messageCount,
    *rows() {
      for (const m of ix.messages()) yield messageRow(ix, m);
    },
  };
}

export function diagnosticTable(doc: DocumentHead): TableData {
  const rows: Row[] = [];
  for (const item of diagnosticItems(doc)) {
    if (item.kind === 'code') {
      const cls = item.severity === 'error' ? 'fail' : item.severity === 'warning' ? 'warn' : '';
      rows.push(['row-group', { t: item.code, c: 'head' }, { t: item.severity, c: cls }, `×${item.count}${item.count > item.listed ? ` (${item.listed} listed)` : ''}`, '', '']);
      continue;
    }
    const d = item.diagnostic;
    rows.push(['', '', { t: d.severity, c: d.severity === 'error' ? 'fail' : d.severity === 'warning' ? 'warn' : 'dim' }, d.frame, d.connection, d.detail]);
  }
  return { columns: ['Code', 'Severity', 'Frame / count', 'Conn', 'Detail'], numeric: [2, 3], wrap: [4], rows };
}

/** The capture's facts, as label/value pairs (values plain text). */
export function captureFacts(doc: DocumentHead): Array<[string, string, string]> {
  const c = doc.capture;
  const s = doc.summary;
  const out: Array<[string, string, string]> = [];
  out.push(['Files', c.files.join(', '), '']);
  out.push(['Format', `${c.format}${c.compressed ? ' (gzip)' : ''}, link ${c.linkTypes.join(', ')}`, '']);
  out.push(['Frames', `${c.packets}`, '']);
  out.push(['Bytes', `${c.bytes} (${fmtBytes(c.bytes)})`, '']);
  if (c.first !== null && c.last !== null) {
    const span = c.firstEpoch !== null && c.lastEpoch !== null ? fmtMs((c.lastEpoch - c.firstEpoch) * 1000) : '';
    out.push(['Time span', `${datePart(c.first)} ${clockTime(c.first, 6)} → ${datePart(c.last) === datePart(c.first) ? '' : `${datePart(c.last)} `}${clockTime(c.last, 6)} UTC (${span})`, '']);
  }
  if (c.truncated) out.push(['Cut short', 'the capture ends inside a record', 'warn']);
  const tls = doc.connections.filter((x) => x.tls !== null);
  const decrypted = tls.filter((x) => x.tls?.decryption?.state === 'decrypted').length;
  const partial = tls.filter((x) => x.tls?.decryption?.state === 'partial').length;
  out.push(['Connections', `${s.connections.total} (MSRP ${s.connections.msrp}, TLS ${s.connections.tls}, WebSocket ${s.connections.websocket})`, '']);
  if (tls.length > 0) out.push(['TLS', `${decrypted} decrypted, ${partial} partly, ${tls.length - decrypted - partial} not decrypted`, tls.length - decrypted > 0 ? 'warn' : 'ok']);
  out.push(['Sessions', `${s.sessions} (SIP dialogs ${s.sipDialogs}, AUTH exchanges ${s.auth})`, '']);
  const m = s.messages;
  out.push(['Messages', `${m.total}: ${m.complete} complete, ${m.aborted} aborted, ${m.incomplete} incomplete`, m.aborted > 0 ? 'fail' : '']);
  const d = s.delivery;
  out.push(['Delivery', `${d.delivered} delivered, ${d.failed} failed, ${d.unknown} unknown`, d.failed > 0 ? 'fail' : '']);
  const counts = (x: Record<string, number>): string => Object.entries(x).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
  out.push(['Requests', counts(s.requests), '']);
  out.push(['Responses', counts(s.responses), '']);
  const cutReq = Object.keys(s.truncated.requests).length > 0;
  const cutRsp = Object.keys(s.truncated.responses).length > 0;
  if (cutReq || cutRsp || s.truncated.messages > 0) {
    out.push(['Cut (not counted)', `requests ${counts(s.truncated.requests)}; responses ${counts(s.truncated.responses)}; messages ${s.truncated.messages}`, 'warn']);
  }
  const t = s.transactions;
  out.push(['Transactions', `${t.total}: ${t.answered} answered, ${t.unanswered} unanswered, ${t.noResponseExpected} expecting none, ${t.orphanResponses} orphan responses`, t.unanswered > 0 ? 'warn' : '']);
  if (s.bytesSkipped > 0) out.push(['Bytes skipped', `${s.bytesSkipped} (resynchronising)`, 'warn']);
  const diag = Object.values(s.diagnostics).reduce((a, b) => a + b, 0);
  out.push(['Diagnostics', `${diag}`, diag > 0 ? 'warn' : '']);
  return out;
}
