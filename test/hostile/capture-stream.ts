/**
 * Captures too large to hold: a pcap written on the fly, record by record, as a Readable of ~256 KiB chunks
 * (each chunk built when the reader asks for it, so memory stays flat however long the capture is).
 */
import { Readable } from 'node:stream';
import { buildTcp, buildUdp, type TcpSpec } from '../../src/net/build.js';

export interface StreamRecord {
  data: Buffer;
  /** Capture time in milliseconds since the start. */
  ms: number;
}

const START_SEC = 1_800_000_000;
const CHUNK = 256 * 1024;

function pcapHeader(linkType: number): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(262144, 16);
  h.writeUInt32LE(linkType, 20);
  return h;
}

/** A pcap (microseconds, little-endian) of the records `gen` yields, produced lazily. */
export function pcapStream(gen: Iterator<StreamRecord>, linkType = 1): Readable {
  let started = false;
  let done = false;
  return new Readable({
    read() {
      const parts: Buffer[] = [];
      let n = 0;
      if (!started) {
        started = true;
        parts.push(pcapHeader(linkType));
        n += 24;
      }
      while (!done && n < CHUNK) {
        const r = gen.next();
        if (r.done === true) {
          done = true;
          break;
        }
        const { data, ms } = r.value;
        const h = Buffer.allocUnsafe(16);
        const us = Math.round(ms * 1000);
        h.writeUInt32LE(START_SEC + Math.floor(us / 1e6), 0);
        h.writeUInt32LE(us % 1e6, 4);
        h.writeUInt32LE(data.length, 8);
        h.writeUInt32LE(data.length, 12);
        parts.push(h, data);
        n += 16 + data.length;
      }
      if (parts.length > 0) this.push(Buffer.concat(parts, n));
      if (done) this.push(null);
    },
  });
}

/** One TCP connection, client 192.0.2.10:49733 → server 198.51.100.20:2855 (both ways), handshake first. */
export class TcpScript {
  seq = { c: 1000, s: 5000 };
  ms = 0;
  constructor(
    readonly client = { ip: '192.0.2.10', port: 49733 },
    readonly server = { ip: '198.51.100.20', port: 2855 },
  ) {}

  packet(from: 'c' | 's', flags: number, payload?: Buffer, seq?: number): StreamRecord {
    const [a, b] = from === 'c' ? [this.client, this.server] : [this.server, this.client];
    const other = from === 'c' ? 's' : 'c';
    const spec: TcpSpec = { src: a.ip, dst: b.ip, srcPort: a.port, dstPort: b.port, seq: (seq ?? this.seq[from]) >>> 0, ack: this.seq[other] >>> 0, flags, payload };
    this.ms += 0.01;
    return { data: buildTcp(spec), ms: this.ms };
  }

  /** Sends `payload` in order (advancing the sequence number). */
  send(from: 'c' | 's', payload: Buffer): StreamRecord {
    const r = this.packet(from, 0x18, payload);
    this.seq[from] += payload.length;
    return r;
  }

  *handshake(): Generator<StreamRecord> {
    yield this.packet('c', 0x02);
    this.seq.c++;
    yield this.packet('s', 0x12);
    this.seq.s++;
    yield this.packet('c', 0x10);
  }

  *close(): Generator<StreamRecord> {
    yield this.packet('c', 0x11);
    this.seq.c++;
    yield this.packet('s', 0x11);
    this.seq.s++;
    yield this.packet('c', 0x10);
  }
}

export function udpRecord(src: string, dst: string, payload: Buffer, ms: number): StreamRecord {
  return { data: buildUdp({ src, dst, srcPort: 5060, dstPort: 5060, payload }), ms };
}
