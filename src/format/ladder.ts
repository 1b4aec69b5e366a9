/**
 * The ladder (sequence diagram) of one session: one column per participant (endpoint, relays, endpoint)
 * and one entry per request/response, time ordered. The SEND chunks of one message on one leg fold into
 * a single entry (with the leg's REPORTs), expandable into its chunks; AUTH exchanges of the endpoints and
 * the SIP INVITE / answer / BYE of the linked dialog share the timeline.
 */
import type { JsonSession } from '../export/json-types.js';
import { recordIndex, type RecordIndex, type RecordSource } from '../export/record-index.js';
import { shortUri, uriAuthority } from './format.js';
import { Columns, endpointLabel, relayOrder, type Node } from './ladder-columns.js';
import { byTime, requestDirection, sipEntries, transactionEntries, type Resolver } from './ladder-entries.js';
import type { Ladder, Participant } from './ladder-types.js';
import { endLabels, type Scope } from './session-list.js';

export type { Ladder, LadderEntry, LadderTarget, Participant } from './ladder-types.js';
export { requestDirection } from './ladder-entries.js';

function sessionLadder(ix: RecordIndex, s: JsonSession): Ladder {
  const txs = [...ix.sessionTransactions(s.id)];
  const labels = endLabels(ix, s);
  const a: Node = { kind: 'endpoint', label: endpointLabel(labels[0], s.endpoints[0].uri), order: 0 };
  const b: Node = { kind: 'endpoint', label: endpointLabel(labels[1], s.endpoints[1].uri), order: 0 };
  const cols = new Columns(a, b);
  cols.endpoint(a, s.endpoints[0].uri);
  cols.endpoint(b, s.endpoints[1].uri);
  const order = relayOrder(s, txs);
  for (const r of s.relays) cols.relay(r, order(r));
  // AUTH exchanges of either endpoint share the timeline.
  const seen = new Set(txs.map((t) => t.id));
  for (const ep of s.endpoints) {
    for (const auth of ix.authsByClient(ep.uri)) {
      cols.relay(auth.relay, order(auth.relay));
      for (const at of auth.attempts) {
        const t = ix.ladderTransaction(at.transaction);
        if (t !== undefined && !seen.has(t.id)) {
          seen.add(t.id);
          txs.push(t);
        }
      }
    }
  }
  // Learn transport addresses (relays' outgoing ports) from what the paths say.
  for (const t of txs) {
    const s1 = cols.resolveUri(t.fromPath[0]);
    const r1 = cols.resolveUri(t.toPath[0]);
    if (s1 !== undefined) cols.address(t.from, s1);
    if (r1 !== undefined) cols.address(t.to, r1);
  }
  const nodes = new Map<number, [Node, Node]>();
  for (const t of txs) {
    const from = cols.resolveUri(t.fromPath[0]) ?? cols.resolveAddr(t.from) ?? cols.peer(t.from);
    const to = cols.resolveUri(t.toPath[0]) ?? cols.resolveAddr(t.to) ?? cols.peer(t.to);
    nodes.set(t.id, [from, to]);
  }
  const { participants, column } = cols.finish();
  const resolve: Resolver = (t) => {
    const n = nodes.get(t.id);
    return n === undefined ? { from: 0, to: participants.length - 1 } : { from: column.get(n[0]) ?? 0, to: column.get(n[1]) ?? 0 };
  };
  const entries = transactionEntries(ix, txs, resolve);
  entries.push(...sipEntries(ix, s, column.get(a) ?? 0, column.get(b) ?? participants.length - 1));
  entries.sort(byTime);
  return {
    scope: { kind: 'session', session: s.id },
    title: `session ${s.id}: ${labels[0]} ↔ ${labels[1]}`,
    participants,
    entries,
  };
}

function connectionLadder(ix: RecordIndex, connection: number): Ladder {
  const c = ix.connection(connection);
  const auth = ix.connectionAuths(connection)[0];
  const client = c === undefined ? 'client' : `${c.client.address}:${c.client.port}`;
  const server = c === undefined ? 'server' : `${c.server.address}:${c.server.port}`;
  const participants: Participant[] = [
    { short: 'A', label: auth === undefined ? client : `${shortUri(auth.client)} (${client})`, kind: 'endpoint' },
    { short: 'B', label: auth === undefined ? server : `${uriAuthority(auth.relay)} relay`, kind: auth === undefined ? 'peer' : 'relay' },
  ];
  const resolve: Resolver = (t) => (requestDirection(t) === 'c2s' ? { from: 0, to: 1 } : { from: 1, to: 0 });
  const entries = transactionEntries(ix, ix.looseTransactions(connection), resolve);
  entries.sort(byTime);
  return { scope: { kind: 'connection', connection }, title: `connection ${connection} (no session): ${client} ↔ ${server}`, participants, entries };
}

/** The ladder of a list row's scope; an empty ladder when the scope is gone from the document. */
export function buildLadder(source: RecordSource, scope: Scope): Ladder {
  const ix = recordIndex(source);
  if (scope.kind === 'session') {
    const s = ix.session(scope.session);
    if (s !== undefined) return sessionLadder(ix, s);
    return { scope, title: `session ${scope.session} (not in the capture)`, participants: [], entries: [] };
  }
  return connectionLadder(ix, scope.connection);
}

