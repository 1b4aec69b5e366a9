import { readFileSync } from 'node:fs';
import { linkTypeName } from '../net/link.js';
import { msrpOverTlsReason, type TlsHintSources } from '../model/tls-hint.js';
import type { ModelView } from '../model/view.js';
import type { FoldSink } from '../model/message-fold.js';
import type { MessageRecord } from '../model/messages.js';
import type { TransactionRecord } from '../model/transactions.js';
import type { RecordSpill, SpilledRun } from './record-spill.js';
import { deliveryState } from '../model/delivery.js';
import { epochSeconds, isoTime } from '../model/frame-time.js';
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
  transactionLadderJson,
  type ConnectionLookup,
  type RecordContext,
} from './records.js';

export type { JsonDocument } from './json-types.js';

export interface JsonOptions {
  /** Tool version written into `tool.version` (default: package.json's). */
  version?: string;
  /** Leave transactions[] empty (the summary still counts them). */
  omitTransactions?: boolean;
  /**
   * The texts of the records the model let go while the capture was read (spillSink): the lists give them at
   * their places, the records still held in between.
   */
  spill?: RecordSpill;
}

export const SCHEMA_ID = 'msrpscope/1';

/** Characters of records gathered before one call of writeJsonDocument's `write` (fewer, larger writes). */
const BATCH = 64 * 1024;
/** Records of a list stringified in one call (fewer calls, fewer intermediate strings). */
const RUN = 128;

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

function toolVersion(): string {
  cachedVersion ??= packageVersion();
  return cachedVersion;
}

/**
 * The context records are mapped with. Where MSRP over TLS was announced (SDP endpoints, msrps: authorities) is
 * gathered from the whole view once, on first use.
 */
export function recordContext(view: ModelView): RecordContext {
  let hints: TlsHintSources | undefined;
  const sources = (): TlsHintSources => {
    hints ??= { sdpEndpoints: view.msrpEndpoints(), msrpsAuthorities: view.msrpsAuthorities() };
    return hints;
  };
  return {
    digits: view.timestampDigits(),
    transport: (c) => {
      const facts = view.transport(c.conn.id);
      const encrypted = (facts?.tls ?? null) !== null || c.conn.transport === 'tls';
      return { facts, msrpOverTls: encrypted ? msrpOverTlsReason(c.conn, facts?.tls ?? undefined, sources()) : null };
    },
  };
}

export function connectionLookup(view: ModelView): ConnectionLookup {
  return (id) => view.connection(id);
}

export function captureJson(view: ModelView, ctx: RecordContext): JsonCapture {
  const facts = view.facts();
  const info = view.captureInfo();
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

/** What the summary counts record by record (the rest it reads from the view's counters). */
interface SummaryTallies {
  connections: { msrp: number; tls: number; websocket: number };
  messages: { complete: number; aborted: number; incomplete: number };
  delivery: { delivered: number; failed: number; unknown: number };
}

function emptyTallies(): SummaryTallies {
  return {
    connections: { msrp: 0, tls: 0, websocket: 0 },
    messages: { complete: 0, aborted: 0, incomplete: 0 },
    delivery: { delivered: 0, failed: 0, unknown: 0 },
  };
}

/** Counts a connection in the summary's connection tallies. */
export function tallyConnection(t: SummaryTallies['connections'], msrp: boolean, transport: string | null | undefined): void {
  if (msrp) t.msrp++;
  if (transport === 'tls') t.tls++;
  if (transport === 'websocket') t.websocket++;
}

/** Counts every record of the view (one pass over connections and messages; transactions are counted by the model). */
function summaryTallies(view: ModelView): SummaryTallies {
  const t = emptyTallies();
  for (const c of view.connections()) tallyConnection(t.connections, c.msrp, c.conn.transport);
  for (const m of view.messages()) {
    t.messages[m.state()]++;
    t.delivery[deliveryState(m)]++;
  }
  // Messages folded into counts (long captures, outputs that read counts): what they added.
  const folded = view.foldedMessages();
  if (folded !== undefined) {
    for (const k of ['complete', 'aborted', 'incomplete'] as const) t.messages[k] += folded.states[k];
    for (const k of ['delivered', 'failed', 'unknown'] as const) t.delivery[k] += folded.delivery[k];
  }
  return t;
}

export function summaryJson(view: ModelView): JsonSummary {
  const tallies = summaryTallies(view);
  const connections = view.connections();
  const { msrp, websocket } = tallies.connections;
  const tls = Math.max(tallies.connections.tls, view.facts()?.tlsConnections ?? 0);
  const m = tallies.messages;
  const states = { total: view.messageTotal(), complete: m.complete, aborted: m.aborted, incomplete: m.incomplete };
  const delivery = { ...tallies.delivery };
  const n = view.counts();
  // Counted by the model as transactions come and get answered (they need not be retained).
  const tx = { total: n.transactions, ...view.transactionTally().states };
  return {
    connections: { total: connections.length, msrp, tls, websocket },
    requests: counts(n.requests),
    responses: counts(n.responses),
    truncated: {
      requests: counts(n.truncatedRequests),
      responses: counts(n.truncatedResponses),
      messages: n.truncatedMessages,
    },
    messages: states,
    sessions: view.sessions().length,
    sipDialogs: n.sipDialogs,
    bytesSkipped: view.facts()?.bytesSkipped ?? 0,
    diagnostics: counts(n.diagnostics),
    transactions: tx,
    delivery,
    auth: view.auths().length,
  };
}

/** Per-session distinct message bytes, and the sessions each SIP dialog negotiated. */
export function crossCounts(view: ModelView): { sessionBytes: Map<number, number>; dialogSessions: Map<number, number[]> } {
  const sessionBytes = new Map<number, number>(view.foldedMessages()?.sessionBytes ?? []);
  for (const m of view.messages()) {
    if (m.session !== undefined) sessionBytes.set(m.session.index, (sessionBytes.get(m.session.index) ?? 0) + m.bytesSeen());
  }
  const dialogSessions = new Map<number, number[]>();
  for (const s of view.sessions()) {
    if (s.sip === undefined) continue;
    const l = dialogSessions.get(s.sip.dialog);
    if (l === undefined) dialogSessions.set(s.sip.dialog, [s.index]);
    else l.push(s.index);
  }
  return { sessionBytes, dialogSessions };
}

/** A list read one record at a time (the records may be made on demand, never all held). */
export interface RecordList<T> {
  count: number;
  item(i: number): T;
  /**
   * The text of records i, i + 1, ... (at most `max`, at least one) when they were written before (a
   * RecordSpill), as listRunText gives them at the document's indentation; item() is not asked for those.
   * Undefined when record i was not.
   */
  run?(i: number, max: number): SpilledRun | undefined;
}

/** The record of index `i` in a list in index order with gaps (records let go): found from the last one found. */
function byIndex<T extends { index: number }>(list: readonly T[]): (i: number) => T {
  let at = 0;
  return (i) => {
    if ((list[at]?.index ?? -1) !== i) {
      let lo = 0;
      let hi = list.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((list[mid] as T).index < i) lo = mid + 1;
        else hi = mid;
      }
      at = lo;
    }
    const r = list[at];
    if (r === undefined || r.index !== i) throw new Error(`record ${i} is neither held nor written`);
    at++;
    return r;
  };
}

/** A list held whole, read as a RecordList. */
export function listOf<T>(l: readonly T[]): RecordList<T> {
  return { count: l.length, item: (i) => l[i] as T };
}

/** A section of the document: one value, or a list whose records are made one at a time. */
type Section<T> = T extends ReadonlyArray<infer R> ? RecordList<R> : { value: () => T };

/** Every section of the document, in document order (the order of this object's keys). */
export type DocumentSections = { [K in keyof JsonDocument]: Section<JsonDocument[K]> };

/** A document without its two long lists: what is kept whole however large the capture (a record per session, connection, dialog). */
export type DocumentHead = Omit<JsonDocument, 'messages' | 'transactions'>;

/** The head of a section table's document, every record of it made (messages and transactions are left as lists). */
export function documentHead(sections: DocumentSections): DocumentHead {
  return {
    schema: sections.schema.value(),
    tool: sections.tool.value(),
    capture: sections.capture.value(),
    summary: sections.summary.value(),
    connections: sectionRecords(sections.connections),
    sessions: sectionRecords(sections.sessions),
    auth: sectionRecords(sections.auth),
    sip: sectionRecords(sections.sip),
    diagnostics: sectionRecords(sections.diagnostics),
  };
}

/** The one section table: what buildJsonDocument builds and writeJsonDocument streams. */
export function documentSections(view: ModelView, opts: JsonOptions = {}): DocumentSections {
  const ctx = recordContext(view);
  const conns = connectionLookup(view);
  const { sessionBytes, dialogSessions } = crossCounts(view);
  const connections = view.connections();
  const sessions = view.sessions();
  const messages = view.messages();
  const transactions = view.transactions();
  const auths = view.auths();
  const dialogs = view.dialogs();
  const diagnostics = view.diagnostics();
  const spill = opts.spill;
  const message = spill === undefined ? (i: number) => messages[i] as MessageRecord : byIndex(messages);
  const transaction = spill === undefined ? (i: number) => transactions[i] as TransactionRecord : byIndex(transactions);
  return {
    schema: { value: () => SCHEMA_ID },
    tool: { value: () => ({ name: 'msrpscope', version: opts.version ?? toolVersion() }) },
    capture: { value: () => captureJson(view, ctx) },
    summary: { value: () => summaryJson(view) },
    connections: { count: connections.length, item: (i) => connectionJson(connections[i]!, ctx) },
    sessions: { count: sessions.length, item: (i) => sessionJson(sessions[i]!, ctx, sessionBytes.get(sessions[i]!.index) ?? 0) },
    messages: {
      count: spill === undefined ? messages.length : view.messageTotal(),
      item: (i) => messageJson(message(i), ctx, conns),
      run: spill === undefined ? undefined : (i, max) => spill.run('message', i, max),
    },
    transactions: {
      count: opts.omitTransactions === true ? 0 : spill === undefined ? transactions.length : view.transactionTotal(),
      item: (i) => transactionJson(transaction(i), ctx, conns),
      run: spill === undefined ? undefined : (i, max) => spill.run('transaction', i, max),
    },
    auth: { count: auths.length, item: (i) => authJson(auths[i]!, ctx) },
    sip: { count: dialogs.length, item: (i) => sipDialogJson(dialogs[i]!, i, dialogSessions.get(i) ?? [], ctx) },
    diagnostics: { count: diagnostics.length, item: (i) => diagnosticJson(diagnostics[i]!) },
  };
}

/** Every record of one list section, made now (for the short lists: connections, sessions, SIP dialogs). */
export function sectionRecords<T>(s: RecordList<T>): T[] {
  return Array.from({ length: s.count }, (_, i) => s.item(i));
}

/**
 * The records of one list section, made one at a time as they are asked for (never all held); those written
 * ahead (a RecordSpill: RecordList.run) are parsed from their text.
 */
export function* sectionItems<T>(s: RecordList<T>): Generator<T, void, undefined> {
  for (let i = 0; i < s.count; i++) {
    const written = s.run?.(i, 1);
    yield written === undefined ? s.item(i) : (JSON.parse(written.text) as T);
  }
}

type AnySection = { value: () => unknown } | RecordList<unknown>;

/** The sections in document order. */
function sectionList(sections: DocumentSections): Array<[string, AnySection]> {
  return Object.entries(sections);
}

/** The whole JSON document (docs/json.md). Call after the model's finish(). */
export function buildJsonDocument(view: ModelView, opts: JsonOptions = {}): JsonDocument {
  return documentFromSections(documentSections(view, opts));
}

/** The document of a section table (documentSections, or the filtered one of filteredSections): every record made. */
export function documentFromSections(sections: DocumentSections): JsonDocument {
  const doc: Record<string, unknown> = {};
  for (const [key, s] of sectionList(sections)) {
    if ('value' in s) doc[key] = s.value();
    else {
      const list: unknown[] = new Array<unknown>(s.count);
      for (let i = 0; i < s.count; i++) list[i] = s.item(i);
      doc[key] = list;
    }
  }
  // Every key of JsonDocument, each of its type: DocumentSections is a mapped type over JsonDocument.
  return doc as unknown as JsonDocument;
}

/**
 * Writes the same text as `JSON.stringify(buildJsonDocument(view, opts), null, indent)` in pieces, one
 * record at a time, so a large capture's document is never held whole in memory (nor as one string).
 */
export function writeJsonDocument(view: ModelView, write: (chunk: string) => void, opts: JsonOptions & { indent?: number } = {}): void {
  for (const chunk of jsonDocumentChunks(view, opts)) write(chunk);
}

/**
 * The text of writeJsonDocument as a sequence of pieces of about BATCH characters (and one per value
 * section): a writer that must wait for its output to drain takes the next piece only when it can.
 */
export function* jsonDocumentChunks(view: ModelView, opts: JsonOptions & { indent?: number } = {}): Generator<string, void, undefined> {
  yield* jsonSectionChunks(documentSections(view, opts), opts.indent);
}

/**
 * A run of consecutive records of a list (at level 2) in one JSON.stringify call: the run wrapped in one array
 * is `[` pad(1) `[` pad(2) r1 `,` pad(2) r2 ... pad(1) `]` pad(0) `]`; cutting the wrapper's text off leaves
 * exactly what writing the records one by one as `,` pad(2) str(r, 2) gives. Runs are joined with `,`.
 */
export function listRunText(items: unknown[], indent: number): string {
  if (indent === 0) {
    const t = JSON.stringify(items);
    return t.slice(1, t.length - 1);
  }
  const t = JSON.stringify([items], null, indent);
  return t.slice(3 + indent, t.length - (4 + indent));
}

/** The run of records i..i+n-1 of a list some of whose records were written before (`spilled`: their texts joined in). */
function mixedRun(s: RecordList<unknown>, spilled: NonNullable<RecordList<unknown>['run']>, i: number, n: number, run: (items: unknown[]) => string): string {
  const parts: string[] = [];
  let items: unknown[] = [];
  for (let j = i; j < i + n; ) {
    const r = spilled(j, i + n - j);
    if (r === undefined) {
      items.push(s.item(j++));
      continue;
    }
    if (items.length > 0) parts.push(run(items));
    items = [];
    parts.push(r.text);
    j += r.count;
  }
  if (items.length > 0) parts.push(run(items));
  return parts.join(',');
}

/** The FoldSink of `--json` (spillSink). */
export interface SpillSink extends FoldSink {
  /**
   * The timestamp digits the first record was written with (undefined before any): a pcapng interface of finer
   * resolution met later raises the capture's digits (they never fall), and the records written before keep fewer.
   */
  readonly firstDigits: number | undefined;
}

/**
 * The FoldSink of `--json` when the model lets records go (FoldOptions.records): each record's text as its list
 * will give it (listRunText at the document's indentation) is made as it is let go (the model record is hollowed
 * next) and put into the spill at once. Gathering records, or their texts, for fewer calls kept them alive across
 * scavenges and cost more than it saved (the chat capture: 64 texts a write 13.4–14.1 s, one 12.4–13.1 s; one
 * JSON.stringify of 128 records, with each record's place found in its text, slower still). Message and
 * transaction records read only the capture's digits of the context (not its transport hints). `drawn` (--ladder,
 * --html): compact, grouped by session, and of a transaction only what a ladder reads (transactionLadderJson).
 */
export function spillSink(view: ModelView, spill: RecordSpill, indentOption?: number, drawn = false): SpillSink {
  const indent = Math.max(0, Math.min(10, indentOption ?? 2));
  const conns = connectionLookup(view);
  let firstDigits: number | undefined;
  const context = (): RecordContext => {
    const digits = view.timestampDigits();
    firstDigits ??= digits;
    return { digits };
  };
  return {
    get firstDigits() {
      return firstDigits;
    },
    // The drawing outputs read a session's records together (grouped by session in the file: those of no session
    // by connection), and only a transaction's ladder fields (no headers), compact.
    message: (m) => spill.put('message', m.index, listRunText([messageJson(m, context(), conns)], indent), drawn ? (m.session?.index ?? -1) : undefined),
    transaction: drawn
      ? (t) => spill.put('transaction', t.index, JSON.stringify(transactionLadderJson(t, context(), conns)), t.session?.index ?? -1 - t.connection)
      : (t) => spill.put('transaction', t.index, listRunText([transactionJson(t, context(), conns)], indent)),
  };
}

/** The text of a section table's document in pieces (jsonDocumentChunks; filteredSections gives a filtered one). */
export function* jsonSectionChunks(sections: DocumentSections, indentOption?: number): Generator<string, void, undefined> {
  const indent = Math.max(0, Math.min(10, indentOption ?? 2));
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
  const run = (items: unknown[]): string => listRunText(items, indent);
  // Records are passed on in batches of about BATCH characters (one piece per section at least).
  let pending = '';
  const sep = indent === 0 ? ':' : ': ';
  const list = sectionList(sections);
  yield '{';
  let first = true;
  for (const [key, s] of list) {
    const name = `${first ? '' : ','}${pad(1)}${JSON.stringify(key)}${sep}`;
    first = false;
    if ('value' in s) {
      if (pending.length > 0) yield pending;
      pending = '';
      yield `${name}${str(s.value(), 1)}`;
      continue;
    }
    pending += `${name}[`;
    let perRecord = BATCH; // the first record alone gives the estimate
    for (let i = 0; i < s.count; ) {
      // As many records as fit the batch at the section's average record length (one at least).
      const n = Math.max(1, Math.min(RUN, s.count - i, Math.floor((BATCH - pending.length) / perRecord)));
      let text: string;
      const spilled = s.run;
      if (spilled === undefined) {
        const items = new Array<unknown>(n);
        for (let j = 0; j < n; j++) items[j] = s.item(i + j);
        text = run(items);
      } else text = mixedRun(s, spilled, i, n, run);
      perRecord = Math.max(1, text.length / n);
      pending += i === 0 ? text : `,${text}`;
      if (pending.length >= BATCH) {
        yield pending;
        pending = '';
      }
      i += n;
    }
    pending += s.count === 0 ? ']' : `${pad(1)}]`;
    yield pending;
    pending = '';
  }
  yield `${pad(0)}}`;
}
