import { readFileSync } from 'node:fs';
import { linkTypeName } from '../net/link.js';
import { msrpOverTlsReason, msrpsAuthorities, type TlsHintSources } from '../model/tls-hint.js';
import type { Store } from '../model/store.js';
import { computeDelivery } from '../model/delivery.js';
import { epochSeconds, isoTime } from '../model/frame-time.js';
import { transactionState } from '../model/transactions.js';
import type { JsonCapture, JsonDocument, JsonSummary } from './json-types.js';
import {
  authJson,
  connectionJson,
  counts,
  diagnosticJson,
  messageJson,
  sessionJson,
  sipDialogJson,
  transactionJson,
  type ConnectionLookup,
  type RecordContext,
} from './records.js';

export type { JsonDocument } from './json-types.js';

export interface JsonOptions {
  /** Tool version written into `tool.version` (default: package.json's). */
  version?: string;
  /** Leave transactions[] empty (the summary still counts them). */
  omitTransactions?: boolean;
}

export const SCHEMA_ID = 'msrpscope/1';

/** Characters of records gathered before one call of writeJsonDocument's `write` (fewer, larger writes). */
const BATCH = 64 * 1024;

function packageVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    if (pkg !== null && typeof pkg === 'object' && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through
  }
  return '0.0.0';
}

let cachedVersion: string | undefined;

export function toolVersion(): string {
  cachedVersion ??= packageVersion();
  return cachedVersion;
}

export function recordContext(store: Store): RecordContext {
  let hints: TlsHintSources | undefined;
  const sources = (): TlsHintSources => {
    hints ??= {
      sdpEndpoints: store.sip.msrpEndpoints(),
      msrpsAuthorities: msrpsAuthorities(
        store.transactionList.flatMap((t) => [t.request?.headers ?? [], t.response?.headers ?? []]),
      ),
    };
    return hints;
  };
  return {
    digits: store.timestampDigits,
    transport: (c) => {
      const facts = store.transportFacts?.get(c.conn.id);
      const encrypted = (facts?.tls ?? null) !== null || c.conn.transport === 'tls';
      return { facts, msrpOverTls: encrypted ? msrpOverTlsReason(c.conn, facts?.tls ?? undefined, sources()) : null };
    },
  };
}

export function connectionLookup(store: Store): ConnectionLookup {
  return (id) => store.connection(id);
}

export function captureJson(store: Store, ctx: RecordContext): JsonCapture {
  const facts = store.facts;
  const info = store.captureInfo;
  return {
    files: facts === undefined ? [] : [...facts.files],
    format: info?.format ?? null,
    compressed: info?.compressed ?? false,
    linkTypes: (info?.linkTypes ?? []).map(linkTypeName),
    packets: info?.packets ?? 0,
    bytes: info?.bytes ?? 0,
    first: info?.first === undefined ? null : isoTime(info.first, ctx.digits),
    last: info?.last === undefined ? null : isoTime(info.last, ctx.digits),
    firstEpoch: info?.first === undefined ? null : epochSeconds(info.first),
    lastEpoch: info?.last === undefined ? null : epochSeconds(info.last),
    truncated: info?.truncated ?? false,
  };
}

export function summaryJson(store: Store): JsonSummary {
  let msrp = 0;
  let tls = 0;
  let websocket = 0;
  for (const c of store.connectionList) {
    if (c.msrp) msrp++;
    if (c.conn.transport === 'tls') tls++;
    if (c.conn.transport === 'websocket') websocket++;
  }
  tls = Math.max(tls, store.facts?.tlsConnections ?? 0);
  const states = { total: 0, complete: 0, aborted: 0, incomplete: 0 };
  const delivery = { delivered: 0, failed: 0, unknown: 0 };
  for (const m of store.messages) {
    states.total++;
    states[m.state()]++;
    delivery[computeDelivery(m).state]++;
  }
  const tx = { total: store.transactionTotal, answered: 0, unanswered: 0, noResponseExpected: 0, orphanResponses: 0 };
  for (const t of store.transactionList) {
    const s = transactionState(t);
    if (s === 'answered') tx.answered++;
    else if (s === 'unanswered') tx.unanswered++;
    else if (s === 'no-response-expected') tx.noResponseExpected++;
    else tx.orphanResponses++;
  }
  return {
    connections: { total: store.connectionList.length, msrp, tls, websocket },
    requests: counts(store.requestCounts),
    responses: counts(store.responseCounts),
    truncated: {
      requests: counts(store.truncatedRequestCounts),
      responses: counts(store.truncatedResponseCounts),
      messages: store.messageTable.unconfirmed,
    },
    messages: states,
    sessions: store.sessions.length,
    sipDialogs: store.sipDialogCount,
    bytesSkipped: store.facts?.bytesSkipped ?? 0,
    diagnostics: counts(store.diagnosticCounts),
    transactions: tx,
    delivery,
    auth: store.auths.length,
  };
}

/** Per-session distinct message bytes, and the sessions each SIP dialog negotiated. */
export function crossCounts(store: Store): { sessionBytes: Map<number, number>; dialogSessions: Map<number, number[]> } {
  const sessionBytes = new Map<number, number>();
  for (const m of store.messages) {
    if (m.session !== undefined) sessionBytes.set(m.session.index, (sessionBytes.get(m.session.index) ?? 0) + m.bytesSeen());
  }
  const dialogSessions = new Map<number, number[]>();
  for (const s of store.sessions) {
    if (s.sip === undefined) continue;
    const l = dialogSessions.get(s.sip.dialog);
    if (l === undefined) dialogSessions.set(s.sip.dialog, [s.index]);
    else l.push(s.index);
  }
  return { sessionBytes, dialogSessions };
}

/** The whole JSON document per JSON-CONTRACT.md. Call after store.finish(). */
export function buildJsonDocument(store: Store, opts: JsonOptions = {}): JsonDocument {
  const ctx = recordContext(store);
  const conns = connectionLookup(store);
  const { sessionBytes, dialogSessions } = crossCounts(store);
  return {
    schema: SCHEMA_ID,
    tool: { name: 'msrpscope', version: opts.version ?? toolVersion() },
    capture: captureJson(store, ctx),
    summary: summaryJson(store),
    connections: store.connectionList.map((c) => connectionJson(c, ctx)),
    sessions: store.sessions.map((s) => sessionJson(s, ctx, sessionBytes.get(s.index) ?? 0)),
    messages: store.messages.map((m) => messageJson(m, ctx, conns)),
    transactions: opts.omitTransactions === true ? [] : store.transactionList.map((t) => transactionJson(t, ctx, conns)),
    auth: store.auths.map((a) => authJson(a, ctx)),
    sip: store.dialogList.map((d, i) => sipDialogJson(d, i, dialogSessions.get(i) ?? [], ctx)),
    diagnostics: store.diagnosticList.map(diagnosticJson),
  };
}

/**
 * Writes the same text as `JSON.stringify(buildJsonDocument(store, opts), null, indent)` in pieces, one
 * record at a time, so a large capture's document is never held whole in memory (nor as one string).
 */
export function writeJsonDocument(store: Store, write: (chunk: string) => void, opts: JsonOptions & { indent?: number } = {}): void {
  const indent = Math.max(0, Math.min(10, opts.indent ?? 2));
  const pad = (level: number): string => (indent === 0 ? '' : `\n${' '.repeat(indent * level)}`);
  // JSON.stringify indents a value nested `level` arrays deep by itself: stringifying it wrapped in `level`
  // one-element arrays and cutting the wrappers' text off gives every line its extra indentation without
  // a second pass over the text. Wrapper text: `[` + pad(k) for k = 1..level, then pad(k) + `]` back down.
  const str = (v: unknown, level: number): string => {
    if (indent === 0 || level === 0) return JSON.stringify(v, null, indent);
    let w: unknown = v;
    for (let k = 0; k < level; k++) w = [w];
    const s = JSON.stringify(w, null, indent);
    const head = 2 * level + (indent * level * (level + 1)) / 2;
    const tail = 2 * level + (indent * (level - 1) * level) / 2;
    return s.slice(head, s.length - tail);
  };
  // Records are passed on in batches of about BATCH characters (one write per section at least).
  let pending = '';
  const flush = (): void => {
    if (pending.length > 0) write(pending);
    pending = '';
  };
  const add = (text: string): void => {
    pending += text;
    if (pending.length >= BATCH) flush();
  };
  const sep = indent === 0 ? ':' : ': ';
  const ctx = recordContext(store);
  const conns = connectionLookup(store);
  const { sessionBytes, dialogSessions } = crossCounts(store);
  const head: Array<[string, unknown]> = [
    ['schema', SCHEMA_ID],
    ['tool', { name: 'msrpscope', version: opts.version ?? toolVersion() }],
    ['capture', captureJson(store, ctx)],
    ['summary', summaryJson(store)],
  ];
  const lists: Array<[string, number, (i: number) => unknown]> = [
    ['connections', store.connectionList.length, (i) => connectionJson(store.connectionList[i]!, ctx)],
    ['sessions', store.sessions.length, (i) => sessionJson(store.sessions[i]!, ctx, sessionBytes.get(store.sessions[i]!.index) ?? 0)],
    ['messages', store.messages.length, (i) => messageJson(store.messages[i]!, ctx, conns)],
    [
      'transactions',
      opts.omitTransactions === true ? 0 : store.transactionList.length,
      (i) => transactionJson(store.transactionList[i]!, ctx, conns),
    ],
    ['auth', store.auths.length, (i) => authJson(store.auths[i]!, ctx)],
    ['sip', store.dialogList.length, (i) => sipDialogJson(store.dialogList[i]!, i, dialogSessions.get(i) ?? [], ctx)],
    ['diagnostics', store.diagnosticList.length, (i) => diagnosticJson(store.diagnosticList[i]!)],
  ];
  write('{');
  let first = true;
  for (const [key, value] of head) {
    write(`${first ? '' : ','}${pad(1)}${JSON.stringify(key)}${sep}${str(value, 1)}`);
    first = false;
  }
  for (const [key, n, item] of lists) {
    add(`,${pad(1)}${JSON.stringify(key)}${sep}[`);
    for (let i = 0; i < n; i++) add(`${i === 0 ? '' : ','}${pad(2)}${str(item(i), 2)}`);
    add(n === 0 ? ']' : `${pad(1)}]`);
    flush();
  }
  write(`${pad(0)}}`);
}
