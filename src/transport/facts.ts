import type { ConnectionTransportFacts } from './types.js';

/** How the model and the outputs look transport facts up. */
export interface TransportFactsLookup {
  get(id: number): ConnectionTransportFacts | undefined;
}

/** Transport facts of every TLS and WebSocket (or attempted upgrade) connection, by connection id; kept after close. */
export class TransportFactsTable implements TransportFactsLookup {
  private readonly byId = new Map<number, ConnectionTransportFacts>();

  /** The facts of a connection, created empty on first use by a stage. */
  ensure(id: number): ConnectionTransportFacts {
    let f = this.byId.get(id);
    if (f === undefined) {
      f = { tls: null, websocket: null };
      this.byId.set(id, f);
    }
    return f;
  }

  /** TLS and/or WebSocket facts of a connection; undefined for plain connections. */
  get(id: number): ConnectionTransportFacts | undefined {
    const f = this.byId.get(id);
    return f === undefined || (f.tls === null && f.websocket === null) ? undefined : f;
  }

  /** Connections with facts, in id order of first use. */
  *entries(): IterableIterator<[number, ConnectionTransportFacts]> {
    for (const [id, f] of this.byId) if (f.tls !== null || f.websocket !== null) yield [id, f];
  }
}
