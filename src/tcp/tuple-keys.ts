import { tupleKey } from './connection-table.js';

const SLOTS = 1024;

/**
 * Connection keys of recent 4-tuples (a small direct-mapped cache by ports): consecutive packets of a
 * connection reuse one key string instead of concatenating a new one per packet, and the table lookup
 * finds its hash already computed. A miss (or a slot shared by two tuples) just builds the key again.
 */
export class TupleKeys {
  private readonly srcs: string[] = new Array<string>(SLOTS).fill('');
  private readonly dsts: string[] = new Array<string>(SLOTS).fill('');
  private readonly ports = new Int32Array(SLOTS).fill(-1);
  private readonly keys: string[] = new Array<string>(SLOTS).fill('');

  of(src: string, srcPort: number, dst: string, dstPort: number): string {
    const ports = ((srcPort & 0xffff) << 16) | (dstPort & 0xffff);
    const i = ((srcPort * 31) ^ dstPort) & (SLOTS - 1);
    if (this.ports[i] === ports && this.srcs[i] === src && this.dsts[i] === dst && srcPort === (srcPort & 0xffff) && dstPort === (dstPort & 0xffff)) {
      return this.keys[i]!;
    }
    const key = tupleKey(src, srcPort, dst, dstPort);
    this.ports[i] = ports;
    this.srcs[i] = src;
    this.dsts[i] = dst;
    this.keys[i] = key;
    return key;
  }
}
