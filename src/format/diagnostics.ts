/**
 * The diagnostics screen: diagnostics grouped by code (most frequent first), and where a diagnostic's
 * frame leads — the transaction and message carrying that frame, else the session of its connection.
 */
import type { JsonDiagnostic, JsonDocument } from '../export/json-types.js';
import { recordIndex, uriKey, type RecordIndex, type RecordSource } from '../export/record-index.js';
import { seg, type Line, type Style } from './line.js';
import type { Scope } from './session-list.js';
import { fit } from './text-width.js';

export type DiagnosticItem =
  | { kind: 'code'; code: string; severity: JsonDiagnostic['severity']; count: number; listed: number }
  | { kind: 'diagnostic'; diagnostic: JsonDiagnostic; index: number };

const RANK = { error: 0, warning: 1, note: 2 } as const;

/** Items: a heading per code, then its diagnostics in frame order. */
export function diagnosticItems(doc: Pick<JsonDocument, 'diagnostics' | 'summary'>): DiagnosticItem[] {
  const byCode = new Map<string, Array<{ d: JsonDiagnostic; i: number }>>();
  doc.diagnostics.forEach((d, i) => {
    const l = byCode.get(d.code);
    if (l === undefined) byCode.set(d.code, [{ d, i }]);
    else l.push({ d, i });
  });
  // Codes counted in the summary but not listed (the store keeps a bounded list) still get a heading.
  for (const code of Object.keys(doc.summary.diagnostics)) if (!byCode.has(code) && (doc.summary.diagnostics[code] ?? 0) > 0) byCode.set(code, []);
  const codes = [...byCode.entries()].map(([code, list]) => {
    const severity = list.reduce<JsonDiagnostic['severity']>((s, x) => (RANK[x.d.severity] < RANK[s] ? x.d.severity : s), 'note');
    return { code, list, severity, count: Math.max(list.length, doc.summary.diagnostics[code] ?? 0) };
  });
  codes.sort((a, b) => RANK[a.severity] - RANK[b.severity] || b.count - a.count || a.code.localeCompare(b.code));
  const out: DiagnosticItem[] = [];
  for (const c of codes) {
    out.push({ kind: 'code', code: c.code, severity: c.severity, count: c.count, listed: c.list.length });
    c.list.sort((x, y) => x.d.frame - y.d.frame || x.i - y.i);
    for (const x of c.list) out.push({ kind: 'diagnostic', diagnostic: x.d, index: x.i });
  }
  return out;
}

function severityStyle(s: JsonDiagnostic['severity']): Style | undefined {
  return s === 'error' ? 'fail' : s === 'warning' ? 'warn' : undefined;
}

export function diagnosticItemLine(item: DiagnosticItem): Line {
  if (item.kind === 'code') {
    const more = item.count > item.listed ? ` (${item.listed} listed)` : '';
    return [seg(`${item.code}`, 'head'), seg(`  ${item.severity}`, severityStyle(item.severity)), seg(`  ×${item.count}${more}`)];
  }
  const d = item.diagnostic;
  return [
    seg(`  ${fit(`frame ${d.frame}`, 13)}`, 'accent'),
    seg(`${fit(`conn ${d.connection}`, 8)}`, 'dim'),
    seg(d.offset === undefined ? '' : `+${d.offset} `, 'dim'),
    seg(d.detail),
  ];
}

export interface FrameLocation {
  scope: Scope | null;
  transaction: number | null;
  message: number | null;
}

/**
 * What a frame on a connection belongs to: the transaction covering it (and its message and session),
 * else the first session using the connection, else the connection's "(no session)" ladder.
 */
export function locateFrame(source: RecordSource, frame: number, connection: number): FrameLocation {
  const ix = recordIndex(source);
  const doc = ix.head;
  const id = ix.frameTransaction(connection, frame);
  const best = id === undefined ? undefined : ix.transaction(id);
  if (best !== undefined) {
    const scope: Scope =
      best.session !== null ? { kind: 'session', session: best.session } : sessionForAuth(ix, best.id) ?? { kind: 'connection', connection };
    return { scope, transaction: best.id, message: best.message };
  }
  const s = doc.sessions.find((x) => x.connections.includes(connection));
  if (s !== undefined) return { scope: { kind: 'session', session: s.id }, transaction: null, message: null };
  if (ix.looseTransactions(connection).length > 0) return { scope: { kind: 'connection', connection }, transaction: null, message: null };
  return { scope: null, transaction: null, message: null };
}

/** An AUTH transaction of a session endpoint shows on that session's ladder. */
function sessionForAuth(ix: RecordIndex, tx: number): Scope | undefined {
  const doc = ix.head;
  const a = ix.authOfTransaction(tx);
  if (a === undefined) return undefined;
  const client = uriKey(a.client);
  const s = doc.sessions.find((x) => x.endpoints.some((e) => uriKey(e.uri) === client));
  return s === undefined ? undefined : { kind: 'session', session: s.id };
}
