/**
 * What `-w FILE` (and the TUI's `w`) writes, in terms of the document: the TCP connections whose every frame
 * goes into the file, the SIP dialogs whose messages go with them, and the TLS client randoms whose key log
 * secrets go into a Decryption Secrets Block. Which frames those are is known to the reading side (cli).
 */
import type { JsonDocument } from './json-types.js';
import { recordIndex, type RecordSource } from './record-index.js';

export interface WriteSelection {
  /** Connection ids (as `connections[].id`, tshark's tcp.stream), ascending. */
  connections: number[];
  /** Call-IDs of the SIP dialogs that go with them. */
  callIds: string[];
  /** ClientHello randoms (hex) of the TLS connections among them. */
  clientRandoms: string[];
}

/** What a selection reads of a document: its connections, sessions and SIP dialogs (not its many records). */
export type SelectionSource = Pick<JsonDocument, 'connections' | 'sessions' | 'sip'>;

/** What the TUI's `w` writes: a session, a connection (a "(no session)" row) or one message. */
export type WriteScope =
  | { kind: 'session'; session: number }
  | { kind: 'connection'; connection: number }
  | { kind: 'message'; message: number };

function finish(doc: SelectionSource, connections: Set<number>, callIds: Set<string>): WriteSelection {
  const clientRandoms: string[] = [];
  for (const c of doc.connections) {
    const cr = c.tls?.clientRandom ?? null;
    if (connections.has(c.id) && cr !== null && !clientRandoms.includes(cr)) clientRandoms.push(cr);
  }
  return { connections: [...connections].sort((a, b) => a - b), callIds: [...callIds], clientRandoms };
}

/** SIP dialogs of the given sessions (linked from the session, or naming it). */
function dialogsOf(doc: SelectionSource, sessions: ReadonlySet<number>): Set<string> {
  const out = new Set<string>();
  for (const s of doc.sessions) if (sessions.has(s.id) && s.sip !== null) out.add(s.sip.callId);
  for (const d of doc.sip) if (d.sessions.some((s) => sessions.has(s))) out.add(d.callId);
  return out;
}

/**
 * The selection of the command line: the connections the filter leaves in the document (`filtered`, what
 * filterDocument or filteredSections leaves) with the SIP dialogs of its sessions; without a filter (undefined), every
 * MSRP connection (also encrypted ones that look like MSRP) and every SIP dialog of the document.
 */
export function selectionOfFilter(doc: SelectionSource, filtered: SelectionSource | undefined): WriteSelection {
  if (filtered === undefined) {
    const conns = new Set(doc.connections.filter((c) => c.msrp || c.msrpOverTls !== null).map((c) => c.id));
    return finish(doc, conns, new Set(doc.sip.map((d) => d.callId)));
  }
  const f = filtered;
  const conns = new Set(f.connections.map((c) => c.id));
  return finish(doc, conns, dialogsOf(f, new Set(f.sessions.map((s) => s.id))));
}

/** The selection of one session, connection or message of the (possibly filtered) document. */
export function selectionOfScope(source: RecordSource, scope: WriteScope): WriteSelection {
  const ix = recordIndex(source);
  const doc = ix.head;
  if (scope.kind === 'connection') {
    const sessions = new Set(doc.connections.find((c) => c.id === scope.connection)?.sessions ?? []);
    return finish(doc, new Set([scope.connection]), dialogsOf(doc, sessions));
  }
  if (scope.kind === 'session') {
    const s = doc.sessions.find((x) => x.id === scope.session);
    const conns = new Set(s?.connections ?? []);
    for (const m of ix.sessionMessages(scope.session)) for (const l of m.legs) conns.add(l.connection);
    return finish(doc, conns, dialogsOf(doc, new Set([scope.session])));
  }
  const m = ix.message(scope.message);
  const conns = new Set<number>();
  if (m !== undefined) for (const l of m.legs) conns.add(l.connection);
  for (const t of ix.messageTransactions(scope.message)) conns.add(t.connection);
  return finish(doc, conns, dialogsOf(doc, new Set(m?.session === null || m === undefined ? [] : [m.session])));
}

/** The file name the TUI offers: `session-3.pcapng`, `connection-2.pcapng`, `message-17.pcapng`. */
export function defaultWriteName(scope: WriteScope): string {
  return `${scopeName(scope).replace(' ', '-')}.pcapng`;
}

/** How a scope is named to the user: `session 0`, `connection 3`, `message 12`. */
export function scopeName(scope: WriteScope): string {
  return scope.kind === 'session' ? `session ${scope.session}` : scope.kind === 'connection' ? `connection ${scope.connection}` : `message ${scope.message}`;
}

/** `2 connections and 1 SIP dialog` */
export function selectionText(connections: number, dialogs: number): string {
  const conn = `${connections} connection${connections === 1 ? '' : 's'}`;
  return dialogs === 0 ? conn : `${conn} and ${dialogs} SIP dialog${dialogs === 1 ? '' : 's'}`;
}
