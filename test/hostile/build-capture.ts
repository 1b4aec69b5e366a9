/**
 * Small deterministic captures for the hostile-input tests: SIP over UDP and one MSRP connection over TCP
 * (handshake, the given messages in MSS-sized segments both ways, FIN), written with the project's writer.
 */
import { writePcap, type WriteRecord } from '../../src/capture/writer.js';
import { buildTcp, buildUdp } from '../../src/net/build.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN } from '../../src/net/types.js';

export interface Exchange {
  /** 'c' = client → server (TCP), 's' = server → client (TCP), 'u' = SIP datagram client → server. */
  from: 'c' | 's' | 'u';
  bytes: Buffer | string;
}

const CLIENT = { ip: '192.0.2.10', port: 49733 };
const SERVER = { ip: '198.51.100.20', port: 2855 };
const MSS = 1400;

export function buildMsrpCapture(exchanges: Exchange[]): Buffer {
  const recs: WriteRecord[] = [];
  let ms = 0;
  const add = (data: Buffer): void => {
    ms += 1;
    recs.push({ tsSec: 1_800_000_000 + Math.floor(ms / 1000), tsNsec: (ms % 1000) * 1_000_000, data });
  };
  const seq = { c: 1000, s: 5000 };
  const tcp = (from: 'c' | 's', flags: number, payload?: Buffer): void => {
    const [a, b] = from === 'c' ? [CLIENT, SERVER] : [SERVER, CLIENT];
    const other = from === 'c' ? 's' : 'c';
    add(buildTcp({ src: a.ip, dst: b.ip, srcPort: a.port, dstPort: b.port, seq: seq[from] >>> 0, ack: seq[other] >>> 0, flags, payload }));
  };
  tcp('c', TCP_SYN);
  seq.c++;
  tcp('s', TCP_SYN | TCP_ACK);
  seq.s++;
  tcp('c', TCP_ACK);
  for (const x of exchanges) {
    const bytes = typeof x.bytes === 'string' ? Buffer.from(x.bytes, 'utf8') : x.bytes;
    if (x.from === 'u') {
      add(buildUdp({ src: CLIENT.ip, dst: SERVER.ip, srcPort: 5060, dstPort: 5060, payload: bytes }));
      continue;
    }
    for (let off = 0; off < bytes.length; off += MSS) {
      const piece = bytes.subarray(off, off + MSS);
      tcp(x.from, TCP_ACK | TCP_PSH, piece);
      seq[x.from] += piece.length;
    }
  }
  tcp('c', TCP_FIN | TCP_ACK);
  seq.c++;
  tcp('s', TCP_FIN | TCP_ACK);
  seq.s++;
  tcp('c', TCP_ACK);
  return writePcap(recs, { linkType: 1 });
}

const CRLF = '\r\n';

/** An MSRP request (headers as given, in order) with an optional body. */
export function msrpRequest(txid: string, method: string, headers: Array<[string, string]>, body?: string, flag = '$'): string {
  const head = `MSRP ${txid} ${method}${CRLF}${headers.map(([n, v]) => `${n}: ${v}`).join(CRLF)}${CRLF}`;
  if (body === undefined) return `${head}-------${txid}${flag}${CRLF}`;
  return `${head}${CRLF}${body}${CRLF}-------${txid}${flag}${CRLF}`;
}

export function msrpResponse(txid: string, status: string, headers: Array<[string, string]>): string {
  return `MSRP ${txid} ${status}${CRLF}${headers.map(([n, v]) => `${n}: ${v}`).join(CRLF)}${CRLF}-------${txid}$${CRLF}`;
}

export function sipMessage(startLine: string, headers: Array<[string, string]>, body = ''): string {
  const all = [...headers, ['Content-Length', String(Buffer.byteLength(body))] as [string, string]];
  return `${startLine}${CRLF}${all.map(([n, v]) => `${n}: ${v}`).join(CRLF)}${CRLF}${CRLF}${body}`;
}

export const TO = 'msrp://198.51.100.20:2855/b0bS3ssi0n;tcp';
export const FROM = 'msrp://192.0.2.10:2855/a1iceS3ss;tcp';
