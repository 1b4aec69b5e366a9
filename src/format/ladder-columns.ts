/**
 * Ladder columns: which participant a path URI or a transport address is. Endpoints are matched by their
 * URI (host, port and session-id), relays by host:port; transport addresses (relays' outgoing ports) are
 * learned from transactions whose paths resolved; anything else becomes an extra "?" column.
 */
import type { JsonSession } from '../export/json-types.js';
import type { LadderTransaction } from '../export/record-index.js';
import { parseMsrpUri, shortUri, uriAuthority } from './format.js';
import type { Participant } from './ladder-types.js';

export interface Node {
  kind: Participant['kind'];
  label: string;
  /** Relay order along the path from endpoint A (smaller first). */
  order: number;
}

/** Maps path URIs and transport addresses of one scope to participant columns. */
export class Columns {
  readonly a: Node;
  readonly b: Node | undefined;
  private readonly relays: Node[] = [];
  private readonly peers: Node[] = [];
  private readonly byUri = new Map<string, Node>();
  private readonly byAuthority = new Map<string, Node>();
  private readonly byAddr = new Map<string, Node>();
  private readonly uriCache = new Map<string, Node | null>();

  constructor(a: Node, b: Node | undefined) {
    this.a = a;
    this.b = b;
  }

  endpoint(node: Node, uri: string): void {
    this.uriCache.clear();
    const p = parseMsrpUri(uri);
    if (p !== null && p.sessionId !== null) this.byUri.set(`${uriAuthority(uri)}/${p.sessionId}`, node);
    const auth = uriAuthority(uri);
    if (!this.byAuthority.has(auth)) this.byAuthority.set(auth, node);
    if (!this.byAddr.has(auth)) this.byAddr.set(auth, node);
  }

  relay(uri: string, order: number): Node {
    this.uriCache.clear();
    const auth = uriAuthority(uri);
    const known = this.byAuthority.get(auth);
    if (known !== undefined && known.kind === 'relay') return known;
    const node: Node = { kind: 'relay', label: auth, order };
    this.relays.push(node);
    this.byAuthority.set(auth, node);
    this.byAddr.set(auth, node);
    return node;
  }

  address(addr: string, node: Node): void {
    if (!this.byAddr.has(addr)) this.byAddr.set(addr, node);
  }

  /** The node a path URI names: an endpoint by URI, else anything by host:port (memoised per URI). */
  resolveUri(uri: string | undefined): Node | undefined {
    if (uri === undefined) return undefined;
    const known = this.uriCache.get(uri);
    if (known !== undefined) return known ?? undefined;
    const found = this.lookupUri(uri);
    this.uriCache.set(uri, found ?? null);
    return found;
  }

  private lookupUri(uri: string): Node | undefined {
    const p = parseMsrpUri(uri);
    if (p === null) return undefined;
    const auth = uriAuthority(uri);
    if (p.sessionId !== null) {
      const e = this.byUri.get(`${auth}/${p.sessionId}`);
      if (e !== undefined) return e;
    }
    return this.byAuthority.get(auth);
  }

  resolveAddr(addr: string): Node | undefined {
    return this.byAddr.get(addr);
  }

  peer(addr: string): Node {
    const known = this.byAddr.get(addr);
    if (known !== undefined) return known;
    const node: Node = { kind: 'peer', label: addr, order: 0 };
    this.peers.push(node);
    this.byAddr.set(addr, node);
    return node;
  }

  /** Final column order: A, relays along the path, unknown peers, B. */
  finish(): { participants: Participant[]; column: Map<Node, number> } {
    const order: Node[] = [this.a, ...[...this.relays].sort((x, y) => x.order - y.order), ...this.peers];
    if (this.b !== undefined) order.push(this.b);
    const column = new Map<Node, number>();
    const participants: Participant[] = [];
    let r = 0;
    let q = 0;
    order.forEach((n, i) => {
      column.set(n, i);
      const short = n === this.a ? 'A' : n === this.b ? 'B' : n.kind === 'relay' ? `R${++r}` : `?${++q}`;
      participants.push({ short, label: n.label, kind: n.kind });
    });
    return { participants, column };
  }
}

export function endpointLabel(identity: string, uri: string): string {
  const short = shortUri(uri);
  return identity === uriAuthority(uri) ? short : `${identity} ${short}`;
}

/** Relay order: position in the longest To-Path sent by endpoint A (relays not on it go last). */
export function relayOrder(s: JsonSession, txs: readonly LadderTransaction[]): (uri: string) => number {
  const a = s.endpoints[0].uri.toLowerCase();
  let best: string[] = [];
  for (const t of txs) {
    if (t.fromPath.length === 1 && t.fromPath[0]?.toLowerCase() === a && t.toPath.length > best.length) best = t.toPath;
  }
  const auths = best.map((u) => uriAuthority(u));
  return (uri) => {
    const i = auths.indexOf(uriAuthority(uri));
    return i < 0 ? 1000 : i;
  };
}

