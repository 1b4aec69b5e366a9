/**
 * The JSON document of a model that is still being filled (the live TUI), kept up to date from the
 * correlator's events instead of being rebuilt: document() re-maps only the records that may have changed
 * since its last call and reuses every other record object, and returns the very same document when
 * nothing changed. The result is always what buildJsonDocument(view, opts) would give at that moment.
 *
 * Which records may have changed (the rules document() follows; test/export/live-document.test.ts checks
 * the result against a full rebuild between packets over every sample and corpus capture):
 * - records an event names: a request/response's transaction, its message, session and connection (and
 *   the AUTH exchanges of that connection for AUTH); a session, message, delivery or connection event's
 *   record; a SIP event's dialog and the sessions its SDP names;
 * - the message and session of every MSRP frame in progress (between its headers and its end-line a frame
 *   changes them without an event: a new leg, preview bytes, the session's last time), at this call and
 *   at the previous one;
 * - records that depend on another record that changed: a message's IMDN partners (notifications carry
 *   each other's index), the transactions that named a message before it was listed, a session whose
 *   messages' byte counts moved, a SIP dialog a session newly links to;
 * - connections: the open ones (their TCP counters move with every packet), closed ones whose last packet
 *   changed (late packets still count) or that closed since, all of them at the end of input, and the
 *   encrypted ones when the sources of the MSRP-over-TLS hint grew;
 * - new records (lists only grow); every record when the timestamp precision changed.
 * A re-mapped record that equals its previous JSON keeps the previous object. The small sections (capture,
 * summary, from per-record tallies kept as records are re-mapped) are recomputed on every call.
 *
 * Cost per call: O(records changed) mapping, plus a scan of the connection list (a few comparisons each)
 * and a copy of each list section that changed (pointers only): documents handed out never change.
 *
 * Assumes what the pipeline guarantees: every frame head reaches the model's msrpFrame (MsrpTap passes a
 * frame cut by a gap or the end on as truncated). Not to be called from inside a model event listener:
 * the model is then in the middle of a frame, which may not be accounted yet (the TUI calls it from its
 * redraw timer).
 */
import type { ConnectionRecord } from '../model/connections.js';
import type { ModelEvent } from '../model/events.js';
import type { MessageRecord } from '../model/messages.js';
import type { SessionRecord } from '../model/sessions.js';
import type { TransactionRecord } from '../model/transactions.js';
import type { ModelView, ObservedModel } from '../model/view.js';
import type { SipDialog } from '../sip/dialogs.js';
import type { FrameRef } from '../capture/types.js';
import type { CloseReason } from '../tcp/types.js';
import type {
  JsonAuth,
  JsonConnection,
  JsonDiagnostic,
  JsonDocument,
  JsonMessage,
  JsonSession,
  JsonSipDialog,
  JsonTransaction,
} from './json-types.js';
import {
  captureJson,
  connectionLookup,
  emptyTallies,
  recordContext,
  SCHEMA_ID,
  summaryJson,
  toolVersion,
  type JsonOptions,
  type SummaryTallies,
  tallyConnection,
} from './json.js';
import {
  authJson,
  connectionJson,
  diagnosticJson,
  messageJson,
  sessionJson,
  sipDialogJson,
  transactionJson,
  type ConnectionLookup,
  type RecordContext,
} from './records.js';

/** Whether two JSON values are equal (same keys in the same order, same values). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || !sameJson(ra[k], rb[k])) return false;
  }
  return true;
}

/**
 * The records of one list section. A list handed out in a document is never changed again: the first
 * change after publish() copies it (pointers only).
 */
class RecordList<T> {
  private items: T[] = [];
  private shared = false;
  /** Changed since the last publish(). */
  changed = false;

  get length(): number {
    return this.items.length;
  }

  at(i: number): T | undefined {
    return this.items[i];
  }

  /** Puts `v` at `i` (at most one past the end) unless it equals the record there; returns the record kept. */
  put(i: number, v: T): T {
    const old = this.items[i];
    if (old !== undefined && sameJson(old, v)) return old;
    if (this.shared) {
      this.items = this.items.slice();
      this.shared = false;
    }
    this.items[i] = v;
    this.changed = true;
    return v;
  }

  publish(): T[] {
    this.shared = true;
    this.changed = false;
    return this.items;
  }
}

/** Counters of what document() did (for benchmarks and tests). */
export interface LiveDocumentStats {
  /** Calls of document(), and those that returned a new document. */
  calls: number;
  changed: number;
  /** Records mapped (connections, sessions, messages, transactions, AUTH, SIP dialogs, diagnostics). */
  mapped: number;
}

/** Everything derived from the view; made anew when every record must be mapped again. */
class Derived {
  readonly connections = new RecordList<JsonConnection>();
  readonly sessions = new RecordList<JsonSession>();
  readonly messages = new RecordList<JsonMessage>();
  readonly transactions = new RecordList<JsonTransaction>();
  readonly auth = new RecordList<JsonAuth>();
  readonly sip = new RecordList<JsonSipDialog>();
  readonly diagnostics = new RecordList<JsonDiagnostic>();
  readonly tallies: SummaryTallies = emptyTallies();
  /** Per connection (by list index): its last packet and close reason when it was last mapped. */
  readonly seenLast: (FrameRef | undefined)[] = [];
  readonly seenClosed: (CloseReason | undefined)[] = [];
  /** Indices of connections that are (or may be) encrypted, for the MSRP-over-TLS hint. */
  readonly encrypted = new Set<number>();
  /** Transactions mapped (or tallied, when transactions are omitted), and their states. */
  txCount = 0;
  /** How many msrps: authorities the model had when the hint was last used. */
  hintAuthorities = 0;
  /** Distinct body bytes per session, summed over listed messages as mapped. */
  readonly sessionBytes = new Map<number, number>();
  /** Sessions by endpoint session-id (for SDP links), sessions linked to each dialog (ascending). */
  readonly sessionsById = new Map<string, number[]>();
  readonly dialogSessions = new Map<number, number[]>();
  /** Sessions whose dialog link is accounted in dialogSessions. */
  readonly linked = new Set<number>();
  /** Transactions mapped while their message was not listed yet, by message. */
  readonly unlistedRefs = new Map<MessageRecord, Set<number>>();
  /** AUTH exchanges by connection id. */
  readonly authByConnection = new Map<number, number[]>();

  constructor(readonly digits: number) {}
}

function push<K>(m: Map<K, number[]>, k: K, v: number): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [v]);
  else l.push(v);
}

/** The live JSON document of an observed model (see the top of this file). */
export class LiveDocument {
  private readonly view: ModelView;
  private readonly unsubscribe: () => void;
  private d: Derived;
  private doc: JsonDocument | undefined;
  private readonly tool: JsonDocument['tool'];

  // Marks from events since the last call.
  private readonly dirtyMessages = new Set<MessageRecord>();
  private readonly dirtyTransactions = new Set<TransactionRecord>();
  private readonly dirtySessions = new Set<SessionRecord>();
  private readonly dirtyConnections = new Set<number>();
  private readonly dirtyAuthConnections = new Set<number>();
  private readonly dirtyDialogs = new Set<SipDialog>();
  /** Sessions named by SDP (by index), and how many session-ids of each dialog were looked at. */
  private readonly dirtySessionIndices = new Set<number>();
  private readonly dialogIds = new Map<SipDialog, number>();
  private sipSeen = false;
  private allConnections = false;
  /** Messages and sessions of the frames in progress at the last call. */
  private inProgressMessages: MessageRecord[] = [];
  private inProgressSessions: SessionRecord[] = [];

  readonly stats: LiveDocumentStats = { calls: 0, changed: 0, mapped: 0 };

  constructor(
    model: ObservedModel,
    private readonly opts: JsonOptions = {},
  ) {
    this.view = model.view();
    this.d = new Derived(this.view.timestampDigits());
    this.tool = { name: 'msrpscope', version: opts.version ?? toolVersion() };
    this.unsubscribe = model.onEvent((e) => this.note(e));
  }

  /** Stops following the model (the last document stays valid). */
  close(): void {
    this.unsubscribe();
  }

  private note(e: ModelEvent): void {
    switch (e.type) {
      case 'connection':
        this.dirtyConnections.add(e.connection.id);
        break;
      case 'request':
      case 'response': {
        const t = e.transaction;
        this.dirtyTransactions.add(t);
        this.dirtyConnections.add(t.connection);
        if (t.message !== undefined) this.dirtyMessages.add(t.message);
        if (t.session !== undefined) this.dirtySessions.add(t.session);
        if (t.request?.method === 'AUTH') this.dirtyAuthConnections.add(t.connection);
        break;
      }
      case 'session':
        this.dirtySessions.add(e.session);
        break;
      case 'message':
      case 'delivery':
        this.dirtyMessages.add(e.message);
        break;
      case 'sip':
        this.sipSeen = true;
        if (e.dialog !== undefined) this.sipDialog(e.dialog);
        break;
      case 'summary':
        this.allConnections = true;
        break;
      case 'diagnostic':
        break;
    }
  }

  /** A SIP message of dialog `d`: the dialog, and the sessions its newly negotiated session-ids name. */
  private sipDialog(d: SipDialog): void {
    this.dirtyDialogs.add(d);
    const seen = this.dialogIds.get(d) ?? 0;
    const ids = d.msrpSessionIds;
    if (ids.length <= seen) return;
    this.dialogIds.set(d, ids.length);
    for (let i = seen; i < ids.length; i++) {
      for (const s of this.d.sessionsById.get(ids[i] as string) ?? []) this.dirtySessionIndices.add(s);
    }
  }

  /** The document as buildJsonDocument(view, opts) would make it now; the same object when nothing changed. */
  document(): JsonDocument {
    this.stats.calls++;
    const view = this.view;
    const digits = view.timestampDigits();
    if (digits !== this.d.digits) {
      // Every time in every record changes: start over (the session-id index too, so SDP links are redone).
      this.d = new Derived(digits);
      this.dialogIds.clear();
      this.allConnections = true;
    }
    const d = this.d;
    const ctx = this.context();
    const conns = connectionLookup(view);

    const connectionTodo = this.scanConnections();
    this.mapMessages(ctx, conns);
    this.mapTransactions(ctx, conns);
    this.mapConnections(connectionTodo, ctx);
    this.mapSessions(ctx);
    this.mapAuths(ctx);
    this.mapDialogs(ctx);
    const diagnostics = view.diagnostics();
    for (let i = d.diagnostics.length; i < diagnostics.length; i++) {
      d.diagnostics.put(i, diagnosticJson(diagnostics[i]!));
      this.stats.mapped++;
    }

    const capture = captureJson(view, ctx);
    const summary = summaryJson(view, d.tallies);
    const prev = this.doc;
    const lists = [d.connections, d.sessions, d.messages, d.transactions, d.auth, d.sip, d.diagnostics];
    if (prev !== undefined && !lists.some((l) => l.changed) && sameJson(prev.capture, capture) && sameJson(prev.summary, summary)) {
      return prev;
    }
    this.stats.changed++;
    const doc: JsonDocument = {
      schema: SCHEMA_ID,
      tool: this.tool,
      capture,
      summary,
      connections: d.connections.publish(),
      sessions: d.sessions.publish(),
      messages: d.messages.publish(),
      transactions: d.transactions.publish(),
      auth: d.auth.publish(),
      sip: d.sip.publish(),
      diagnostics: d.diagnostics.publish(),
    };
    this.doc = doc;
    return doc;
  }

  /** The record context (the MSRP-over-TLS hint reads the model's msrps: authorities and SDP endpoints). */
  private context(): RecordContext {
    return recordContext(this.view);
  }

  /**
   * Marks the messages and sessions of frames in progress (now and at the last call) and returns the
   * connections (list indices) to map again.
   */
  private scanConnections(): number[] {
    const d = this.d;
    const list = this.view.connections();
    for (const m of this.inProgressMessages) this.dirtyMessages.add(m);
    for (const s of this.inProgressSessions) this.dirtySessions.add(s);
    const messages: MessageRecord[] = [];
    const sessions: SessionRecord[] = [];
    const todo: number[] = [];
    const all = this.allConnections;
    this.allConnections = false;
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as ConnectionRecord;
      const open = c.closed === undefined;
      if (open) {
        for (const f of c.current) {
          if (f === undefined) continue;
          if (f.session !== undefined) {
            sessions.push(f.session);
            this.dirtySessions.add(f.session);
          }
          const m = f.chunk?.message;
          if (m !== undefined) {
            messages.push(m);
            this.dirtyMessages.add(m);
          }
        }
      }
      if (all || open || i >= d.connections.length || c.closed !== d.seenClosed[i] || c.conn.last !== d.seenLast[i] || this.dirtyConnections.has(c.id)) {
        todo.push(i);
      }
    }
    this.dirtyConnections.clear();
    this.inProgressMessages = messages;
    this.inProgressSessions = sessions;
    return todo;
  }

  private mapConnections(todo: number[], ctx: RecordContext): void {
    const d = this.d;
    const list = this.view.connections();
    // The hint's sources grew: encrypted connections may now have a reason.
    const authorities = this.view.msrpsAuthorities().size;
    if (this.sipSeen || authorities !== d.hintAuthorities) {
      this.sipSeen = false;
      d.hintAuthorities = authorities;
      const mapped = new Set(todo);
      for (const i of d.encrypted) if (!mapped.has(i)) todo.push(i);
    }
    for (const i of todo) {
      const c = list[i] as ConnectionRecord;
      const json = connectionJson(c, ctx);
      // Transport facts are the transport layer's live objects: keep a snapshot, as of now.
      if (json.tls !== null) json.tls = structuredClone(json.tls);
      if (json.websocket !== null) json.websocket = structuredClone(json.websocket);
      this.stats.mapped++;
      d.seenLast[i] = c.conn.last;
      d.seenClosed[i] = c.closed;
      if (json.tls !== null || json.transport === 'tls') d.encrypted.add(i);
      const old = d.connections.at(i);
      const kept = d.connections.put(i, json);
      if (kept === old) continue;
      const t = d.tallies.connections;
      if (old !== undefined) tallyConnection(t, old.msrp, old.transport, -1);
      tallyConnection(t, kept.msrp, kept.transport, 1);
    }
  }

  private mapMessages(ctx: RecordContext, conns: ConnectionLookup): void {
    const d = this.d;
    const list = this.view.messages();
    const todo = new Set<number>();
    for (let i = d.messages.length; i < list.length; i++) todo.add(i);
    const mark = (m: MessageRecord): void => {
      if (m.index >= 0 && m.index < list.length) todo.add(m.index);
    };
    for (const m of this.dirtyMessages) {
      mark(m);
      // IMDN partners name each other by index.
      if (m.acknowledges !== undefined) mark(m.acknowledges);
      for (const n of m.notifications) mark(n);
    }
    this.dirtyMessages.clear();
    for (const i of [...todo].sort((a, b) => a - b)) {
      const m = list[i] as MessageRecord;
      const json = messageJson(m, ctx, conns);
      this.stats.mapped++;
      const refs = d.unlistedRefs.get(m);
      if (refs !== undefined) {
        // Listed now: the transactions that named it before get its index.
        d.unlistedRefs.delete(m);
        const txs = this.view.transactions();
        for (const x of refs) {
          const tx = txs[x];
          if (tx !== undefined) this.dirtyTransactions.add(tx);
        }
      }
      const old = d.messages.at(i);
      const kept = d.messages.put(i, json);
      if (kept === old) continue;
      const t = d.tallies;
      if (old !== undefined) {
        t.messages[old.state]--;
        t.delivery[old.delivery.state]--;
      }
      t.messages[kept.state]++;
      t.delivery[kept.delivery.state]++;
      const bytes = kept.bytesSeen - (old?.bytesSeen ?? 0);
      if (m.session !== undefined && bytes !== 0) {
        d.sessionBytes.set(m.session.index, (d.sessionBytes.get(m.session.index) ?? 0) + bytes);
        this.dirtySessions.add(m.session);
      }
    }
  }

  private mapTransactions(ctx: RecordContext, conns: ConnectionLookup): void {
    const d = this.d;
    const list = this.view.transactions();
    const todo: TransactionRecord[] = [];
    for (let i = d.txCount; i < list.length; i++) todo.push(list[i] as TransactionRecord);
    for (const t of this.dirtyTransactions) if (t.index < d.txCount && list[t.index] === t) todo.push(t);
    this.dirtyTransactions.clear();
    d.txCount = list.length;
    const omit = this.opts.omitTransactions === true;
    for (const t of todo) {
      const i = t.index;
      if (t.message !== undefined && t.message.index < 0) {
        const refs = d.unlistedRefs.get(t.message);
        if (refs === undefined) d.unlistedRefs.set(t.message, new Set([i]));
        else refs.add(i);
      }
      if (omit) continue;
      d.transactions.put(i, transactionJson(t, ctx, conns));
      this.stats.mapped++;
    }
  }

  private mapSessions(ctx: RecordContext): void {
    const d = this.d;
    const list = this.view.sessions();
    const todo = new Set<number>(this.dirtySessionIndices);
    this.dirtySessionIndices.clear();
    for (let i = d.sessions.length; i < list.length; i++) todo.add(i);
    for (const s of this.dirtySessions) todo.add(s.index);
    this.dirtySessions.clear();
    // New sessions first, in order: the list grows without holes.
    const order = [...todo].filter((i) => i < list.length).sort((a, b) => a - b);
    for (const i of order) {
      const s = list[i] as SessionRecord;
      const json = sessionJson(s, ctx, d.sessionBytes.get(i) ?? 0);
      this.stats.mapped++;
      const old = d.sessions.at(i);
      if (old === undefined) for (const e of json.endpoints) if (e.sessionId !== null) push(d.sessionsById, e.sessionId, i);
      d.sessions.put(i, json);
      if (json.sip !== null && !d.linked.has(i)) {
        d.linked.add(i);
        const l = d.dialogSessions.get(json.sip.dialog);
        if (l === undefined) d.dialogSessions.set(json.sip.dialog, [i]);
        else {
          let at = l.length;
          while (at > 0 && (l[at - 1] as number) > i) at--;
          l.splice(at, 0, i);
        }
        const dialog = this.view.dialogs()[json.sip.dialog];
        if (dialog !== undefined) this.dirtyDialogs.add(dialog);
      }
    }
  }

  private mapAuths(ctx: RecordContext): void {
    const d = this.d;
    const list = this.view.auths();
    const todo = new Set<number>();
    for (const c of this.dirtyAuthConnections) for (const i of d.authByConnection.get(c) ?? []) todo.add(i);
    this.dirtyAuthConnections.clear();
    for (let i = d.auth.length; i < list.length; i++) {
      todo.add(i);
      push(d.authByConnection, (list[i] as { connection: number }).connection, i);
    }
    for (const i of [...todo].sort((a, b) => a - b)) {
      const a = list[i];
      if (a === undefined) continue;
      d.auth.put(i, authJson(a, ctx));
      this.stats.mapped++;
    }
  }

  private mapDialogs(ctx: RecordContext): void {
    const d = this.d;
    const view = this.view;
    const list = view.dialogs();
    const todo = new Set<number>();
    for (let i = d.sip.length; i < list.length; i++) todo.add(i);
    for (const x of this.dirtyDialogs) {
      const i = view.dialogNumber(x);
      if (i >= 0) todo.add(i);
    }
    this.dirtyDialogs.clear();
    for (const i of [...todo].sort((a, b) => a - b)) {
      const dialog = list[i] as SipDialog;
      d.sip.put(i, sipDialogJson(dialog, i, [...(d.dialogSessions.get(i) ?? [])], ctx));
      this.stats.mapped++;
    }
  }
}
