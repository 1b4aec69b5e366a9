import type {
  CountMap,
  JsonCapture,
  JsonConnection,
  JsonDiagnostic,
  JsonMessage,
  JsonSession,
  JsonSummary,
  JsonTransaction,
} from './json-types.js';
import { fmtMs } from '../format/format.js';
import { escapeText } from '../util/escape.js';
import { renderTable, type Column } from './table.js';
import type { TallyGroup } from '../model/transaction-tally.js';

/** Code-point order: the same on every machine (localeCompare follows the user's locale, and starting ICU's collator costs several ms). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface SummaryOptions {
  color: boolean;
  /** Terminal width; tables shrink their id columns to fit. */
  columns: number;
  /** Rows shown per table before "… N more" (0 = all). */
  maxRows?: number;
}

/** A message as the summary reads it (a JsonMessage is one). */
export type SummaryMessage = Pick<JsonMessage, 'id' | 'messageId' | 'session' | 'contentType' | 'size' | 'bytesSeen' | 'chunks' | 'state'> & {
  legs: { readonly length: number };
  delivery: Pick<JsonMessage['delivery'], 'state' | 'code' | 'latencyMs'>;
};

/**
 * Rows the summary reads in order and shows the first of (an array is one): summaryInput() makes each message's
 * row when read instead of holding one per message.
 */
export interface SummaryRows<T> {
  readonly length: number;
  slice(start: number, end: number): readonly T[];
  [Symbol.iterator](): Iterator<T>;
}

/** A transaction as the summary reads it (a JsonTransaction is one). */
export type SummaryTransaction = Pick<JsonTransaction, 'method' | 'state' | 'rttMs'> & {
  request: { truncated: boolean } | null;
  response: { status: number; truncated: boolean } | null;
};

export type SummaryDiagnostic = Pick<JsonDiagnostic, 'code' | 'severity' | 'frame' | 'detail'>;

/**
 * What the summary reads: a JsonDocument (or its filtered form) is one; summaryInput() in summary-input.ts
 * builds the same values straight from the store, without the full message and transaction records.
 */
export interface SummaryInput {
  capture: JsonCapture;
  summary: JsonSummary;
  connections: readonly JsonConnection[];
  sessions: readonly JsonSession[];
  messages: SummaryRows<SummaryMessage>;
  transactions: readonly SummaryTransaction[];
  /**
   * The transactions already grouped (the model's tally): read instead of `transactions` when given, so the
   * transactions themselves need not be kept.
   */
  transactionGroups?: ReadonlyArray<Readonly<TallyGroup>>;
  diagnostics: readonly SummaryDiagnostic[];
  /**
   * Failed messages by session among those folded into counts (the model's, on long captures): `messages`
   * then yields only the held ones, and its length counts them all.
   */
  foldedFailedBySession?: ReadonlyMap<number, number>;
}

/** Rows of each table the summary shows by default (the rest are counted). */
export const SUMMARY_ROWS = 200;

const RED = '\x1b[31m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

/**
 * What TLS decryption made of the capture's TLS connections, one line (null when there are none):
 * `TLS: 3 connections, 2 decrypted, 1 partly, 0 not decrypted (no keys for this client random: 1)`, and
 * when no key log was given, how to get one.
 */
export function tlsLine(conns: readonly JsonConnection[]): string | null {
  let total = 0;
  let decrypted = 0;
  let partial = 0;
  let noKeylog = 0;
  const why = new Map<string, number>();
  for (const c of conns) {
    const d = c.tls?.decryption;
    if (d === undefined) continue;
    total++;
    if (d.state === 'decrypted') decrypted++;
    else if (d.state === 'partial') partial++;
    else {
      if (d.state === 'no-keylog') noKeylog++;
      const reason = d.reason ?? d.state;
      why.set(reason, (why.get(reason) ?? 0) + 1);
    }
  }
  if (total === 0) return null;
  const not = total - decrypted - partial;
  if (noKeylog === total) {
    return `TLS: ${total} connection${total === 1 ? '' : 's'}, not decrypted: no key log given ` +
      '(--keylog FILE, an SSLKEYLOGFILE of the client or server, decrypts them)\n';
  }
  const reasons = [...why].map(([r, n]) => `${r}: ${n}`).join('; ');
  return escapeText(
    `TLS: ${total} connection${total === 1 ? '' : 's'}, ${decrypted} decrypted, ${partial} partly, ${not} not decrypted` +
      (reasons === '' ? '' : ` (${reasons})`),
  ) + '\n';
}

function fmtBytes(n: number): string {
  if (n < 10_000) return `${n} B`;
  if (n < 10_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

function counts(m: CountMap): string {
  const keys = [...Object.keys(m)].sort();
  return keys.length === 0 ? 'none' : keys.map((k) => `${k} ${m[k] ?? 0}`).join(', ');
}

/**
 * A `Requests:` / `Responses:` value: frames that were on the wire in full (end-line seen), then those cut
 * before their end-line, apart: `200 20, 401 4 (cut: 423 1)`.
 */
function countsWithCut(full: CountMap, cut: CountMap): string {
  return Object.keys(cut).length === 0 ? counts(full) : `${counts(full)} (cut: ${counts(cut)})`;
}

/**
 * The Transactions table's row: `AUTH → 423`, a frame cut before its end-line marked `(cut)`, `none` for no
 * response when one is awaited, `-` when none is expected.
 */
function rowKey(method: string | null, requestCut: boolean, status: number | null, responseCut: boolean, unanswered: boolean): string {
  const request = `${method ?? '(response only)'}${requestCut ? ' (cut)' : ''}`;
  const response = status !== null ? `${status}${responseCut ? ' (cut)' : ''}` : unanswered ? 'none' : '-';
  return `${request} → ${response}`;
}

/** The Transactions table's row of a transaction. */
export function transactionKey(t: SummaryTransaction): string {
  return rowKey(t.method, t.request?.truncated === true, t.response?.status ?? null, t.response?.truncated === true, t.state === 'unanswered');
}

/** The Transactions table's row of a group of the model's tally (as transactionKey of its transactions). */
function groupKey(g: Readonly<TallyGroup>): string {
  return rowKey(g.method, g.requestTruncated, g.status, g.responseTruncated, g.unansweredGroup);
}

interface TransactionRow {
  count: number;
  rtts: number[];
}

/** Transactions by table row, from the records or from the model's tally. */
function transactionRows(doc: SummaryInput): Map<string, TransactionRow> {
  const byKey = new Map<string, TransactionRow>();
  if (doc.transactionGroups !== undefined) {
    for (const g of doc.transactionGroups) {
      if (g.count === 0) continue;
      const key = groupKey(g);
      const e = byKey.get(key);
      if (e === undefined) byKey.set(key, { count: g.count, rtts: g.rtts.values() });
      else {
        e.count += g.count;
        for (const r of g.rtts.values()) e.rtts.push(r);
      }
    }
    return byKey;
  }
  for (const t of doc.transactions) {
    const key = transactionKey(t);
    const e = byKey.get(key) ?? { count: 0, rtts: [] };
    e.count++;
    if (t.rttMs !== null) e.rtts.push(t.rttMs);
    byKey.set(key, e);
  }
  return byKey;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}

function limit<T>(rows: SummaryRows<T>, max: number): { shown: readonly T[]; more: number } {
  if (max <= 0 || rows.length <= max) return { shown: rows.slice(0, rows.length), more: 0 };
  return { shown: rows.slice(0, max), more: rows.length - max };
}

function sessionEnds(s: JsonSession): string {
  return `${s.endpoints[0].uri} ↔ ${s.endpoints[1].uri}`;
}

function delivery(m: SummaryMessage): string {
  const d = m.delivery;
  if (d.state === 'delivered') return `✓ ${d.code ?? ''}`.trim();
  if (d.state === 'failed') return `✗ ${d.code ?? ''}`.trim();
  return '?';
}

/** The text summary, like `tshark -z`: capture line, then one table per record kind. */
export function renderSummary(doc: SummaryInput, opts: SummaryOptions): string {
  const width = Math.max(60, opts.columns);
  const maxRows = opts.maxRows ?? SUMMARY_ROWS;
  const head = (s: string): string => (opts.color ? `${BOLD}${s}${RESET}` : s);
  const bad = (s: string): string => (opts.color ? `${RED}${s}${RESET}` : s);
  const c = doc.capture;
  const s = doc.summary;
  const out: string[] = [];
  const duration = c.firstEpoch !== null && c.lastEpoch !== null ? ` over ${fmtMs((c.lastEpoch - c.firstEpoch) * 1000)}` : '';
  out.push(
    head('Capture: ') +
      escapeText(`${c.files.join(', ')}  ${c.format ?? '?'}${c.compressed ? ' (gzip)' : ''} ${c.linkTypes.join('/')}  ` +
        `${c.packets} packets, ${fmtBytes(c.bytes)}${duration}`) +
      (c.first ? escapeText(`  ${c.first} .. ${c.last ?? ''}`) : '') +
      (c.truncated ? bad('  [cut short]') : '') + '\n',
  );
  out.push(
    `Connections: ${s.connections.total} TCP (${s.connections.msrp} MSRP, ${s.connections.tls} TLS, ${s.connections.websocket} WebSocket); ` +
      `sessions: ${s.sessions}; SIP dialogs: ${s.sipDialogs}; bytes skipped: ${s.bytesSkipped}\n`,
  );
  const tls = tlsLine(doc.connections);
  if (tls !== null) out.push(tls);
  out.push(
    `Requests: ${escapeText(countsWithCut(s.requests, s.truncated.requests))}\n` +
      `Responses: ${escapeText(countsWithCut(s.responses, s.truncated.responses))}\n`,
  );
  out.push(
    `Messages: ${s.messages.total} (${s.messages.complete} complete, ${s.messages.aborted} aborted, ${s.messages.incomplete} incomplete)\n`,
  );
  const conns = doc.connections;
  if (conns.length > 0) {
    out.push(`\n${head('Connections')}\n`);
    const cols: Column[] = [
      { title: '#', align: 'right' }, { title: 'client', flexible: true, min: 12 }, { title: 'server', flexible: true, min: 12 },
      { title: 'carries', flexible: true, min: 12 }, { title: 'packets', align: 'right' }, { title: 'bytes', align: 'right' },
      { title: 'gaps', align: 'right' }, { title: 'ended' },
    ];
    const { shown, more } = limit(conns, maxRows);
    const rows = shown.map((k) => [
      String(k.id), `${k.client.address}:${k.client.port}`, `${k.server.address}:${k.server.port}`,
      k.tls?.version ? `${k.label} ${k.tls.version}${k.tls.sni ? ` SNI ${k.tls.sni}` : ''}` : k.label,
      String(k.stats.c2s.packets + k.stats.s2c.packets), fmtBytes(k.stats.c2s.bytes + k.stats.s2c.bytes),
      String(k.stats.c2s.gaps + k.stats.s2c.gaps), k.ended ?? 'open',
    ]);
    out.push(renderTable(cols, rows, width));
    if (more > 0) out.push(`  … ${more} more\n`);
  }

  if (doc.sessions.length > 0) {
    out.push(`\n${head('Sessions')}\n`);
    const cols: Column[] = [
      { title: '#', align: 'right' }, { title: 'ends', flexible: true, min: 20 }, { title: 'relays', align: 'right' },
      { title: 'SIP Call-ID', flexible: true, min: 10 }, { title: 'msgs', align: 'right' }, { title: 'bytes', align: 'right' },
      { title: 'failed', align: 'right' },
    ];
    const failedBySession = new Map<number, number>(doc.foldedFailedBySession ?? []);
    for (const m of doc.messages) {
      if (m.session !== null && m.delivery.state === 'failed') failedBySession.set(m.session, (failedBySession.get(m.session) ?? 0) + 1);
    }
    const { shown, more } = limit(doc.sessions, maxRows);
    out.push(renderTable(cols, shown.map((x) => [
      String(x.id), sessionEnds(x), String(x.relays.length), x.sip?.callId ?? '-', String(x.messages), fmtBytes(x.bytes),
      String(failedBySession.get(x.id) ?? 0),
    ]), width));
    if (more > 0) out.push(`  … ${more} more\n`);
  }

  if (doc.messages.length > 0) {
    out.push(`\n${head('Messages')}\n`);
    const cols: Column[] = [
      { title: '#', align: 'right' }, { title: 'Message-ID', flexible: true, min: 10 }, { title: 'type', flexible: true, min: 10 },
      { title: 'size', align: 'right' }, { title: 'chunks', align: 'right' }, { title: 'legs', align: 'right' },
      { title: 'state' }, { title: 'delivery' }, { title: 'latency', align: 'right' },
    ];
    const { shown, more } = limit(doc.messages, maxRows);
    out.push(renderTable(cols, shown.map((m) => [
      String(m.id), m.messageId, m.contentType ?? '-', m.size === null ? fmtBytes(m.bytesSeen) : fmtBytes(m.size),
      String(m.chunks), String(m.legs.length), m.state, delivery(m), fmtMs(m.delivery.latencyMs),
    ]), width));
    if (more > 0) out.push(`  … ${more} more\n`);
  }

  const byKey = transactionRows(doc);
  if (byKey.size > 0) {
    out.push(`\n${head('Transactions')}\n`);
    const cols: Column[] = [
      { title: 'request → response', flexible: true, min: 14 }, { title: 'count', align: 'right' },
      { title: 'RTT p50', align: 'right' }, { title: 'p95', align: 'right' }, { title: 'max', align: 'right' },
    ];
    const rows = [...byKey.entries()].sort((a, b) => byText(a[0], b[0])).map(([k, e]) => {
      // Each row's list is its own (transactionRows): sorted in place.
      const sorted = e.rtts.sort((a, b) => a - b);
      return [k, String(e.count), fmtMs(percentile(sorted, 50)), fmtMs(percentile(sorted, 95)), fmtMs(sorted[sorted.length - 1])];
    });
    out.push(renderTable(cols, rows, width));
  }

  if (doc.diagnostics.length > 0) {
    out.push(`\n${head('Diagnostics')}\n`);
    const byCode = new Map<string, { count: number; severity: string; frame: number; detail: string }>();
    for (const d of doc.diagnostics) {
      const e = byCode.get(d.code);
      if (e) e.count++;
      else byCode.set(d.code, { count: 1, severity: d.severity, frame: d.frame, detail: d.detail });
    }
    const cols: Column[] = [
      { title: 'code' }, { title: 'severity' }, { title: 'count', align: 'right' }, { title: 'first frame', align: 'right' },
      { title: 'first detail', flexible: true, min: 16 },
    ];
    const rows = [...byCode.entries()].sort((a, b) => byText(a[0], b[0])).map(([code, e]) => [
      code, e.severity, String(e.count), String(e.frame), e.detail,
    ]);
    out.push(renderTable(cols, rows, width));
  }
  return out.join('');
}
