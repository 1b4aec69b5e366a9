import type { Segment } from '../net/types.js';
import type { TableEntry } from './connection-table.js';
import { Direction, type StreamContext } from './direction.js';
import type { Dir, DirStats, TcpConnection } from './types.js';

export function newDirStats(): DirStats {
  return { packets: 0, bytes: 0, delivered: 0, retransmissions: 0, outOfOrder: 0, gaps: 0, missingBytes: 0 };
}

/** Reassembly state of one connection. After close only the identity is kept (a tombstone for late packets). */
export class ConnState implements TableEntry {
  touched = 0;
  queued = 0;
  closed = false;
  /** A FIN was seen in some direction. */
  finSeen = false;
  /** Both directions, while open; released at close. */
  dirs: [Direction, Direction] | undefined;
  /** Initial sequence numbers per direction, kept at close to tell a retransmitted SYN from port reuse. */
  isn: [number | undefined, number | undefined] = [undefined, undefined];

  constructor(
    readonly key: string,
    readonly conn: TcpConnection,
    ctx: StreamContext,
  ) {
    this.dirs = [new Direction(conn, 0, conn.stats[0], ctx), new Direction(conn, 1, conn.stats[1], ctx)];
  }

  dirOf(seg: Segment): Dir {
    const c = this.conn.client;
    return seg.srcPort === c.port && seg.src === c.address ? 0 : 1;
  }

  /** Initial sequence number of direction `d`, if known. */
  isnOf(d: Dir): number | undefined {
    return this.dirs !== undefined ? this.dirs[d].isn : this.isn[d];
  }

  release(): void {
    if (this.dirs !== undefined) this.isn = [this.dirs[0].isn, this.dirs[1].isn];
    this.dirs = undefined;
  }
}
