/** Reassembly of impaired synthetic captures from ../shared/tools/genmsrp.py (written to a temp dir). */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAllRecords } from '../../src/capture/reader.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import { TCP_FIN, TCP_SYN } from '../../src/net/types.js';
import { expectTsharkAgrees, GENMSRP, HAS_PYTHON, HAS_TSHARK, reassembleFile, type Reassembled } from './pipeline.js';

interface Truth {
  requests: { SEND: number; REPORT: number };
  responses: { '200': number };
  connections: number;
  frames: number;
  impaired: { retrans: number; reorder: number; loss: number };
}

const CAN_RUN = HAS_PYTHON && existsSync(GENMSRP);
const dir = CAN_RUN ? mkdtempSync(join(tmpdir(), 'msrpscope-genmsrp-')) : '';
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function generate(name: string, args: string[]): { file: string; truth: Truth } {
  const file = join(dir, name);
  execFileSync('python3', [GENMSRP, file, '--target-mb', '5', ...args], { stdio: 'ignore' });
  return { file, truth: JSON.parse(readFileSync(`${file}.truth.json`, 'utf8')) as Truth };
}

/** Occurrences of `needle` in every delivered stream. */
function count(r: Reassembled, needle: string): number {
  const n = Buffer.from(needle, 'latin1');
  let total = 0;
  for (let c = 0; c < r.sink.conns.length; c++) {
    for (const d of [0, 1] as const) {
      const s = r.sink.stream(c, d);
      for (let i = s.indexOf(n); i >= 0; i = s.indexOf(n, i + n.length)) total++;
    }
  }
  return total;
}

/** Stream length of every direction from its SYN and FIN sequence numbers (independent of the reassembler). */
async function streamLengths(file: string): Promise<Map<string, number>> {
  const { records } = await readAllRecords(file);
  const decoder = new PacketDecoder();
  const syn = new Map<string, number>();
  const out = new Map<string, number>();
  for (const rec of records) {
    const seg = decoder.decode(rec);
    if (seg === undefined) continue;
    const k = `${seg.src}:${seg.srcPort}>${seg.dst}:${seg.dstPort}`;
    if ((seg.flags & TCP_SYN) !== 0) syn.set(k, seg.seq);
    if ((seg.flags & TCP_FIN) !== 0 && syn.has(k)) out.set(k, (seg.seq + seg.payload.length - syn.get(k)! - 1) >>> 0);
  }
  return out;
}

/** delivered + missing of each direction equals its SYN-to-FIN length. */
async function expectFullLengths(file: string, r: Reassembled): Promise<void> {
  const lengths = await streamLengths(file);
  expect(lengths.size).toBe(2 * r.sink.conns.length);
  for (const c of r.sink.conns) {
    const up = `${c.client.address}:${c.client.port}>${c.server.address}:${c.server.port}`;
    const down = `${c.server.address}:${c.server.port}>${c.client.address}:${c.client.port}`;
    expect(c.stats[0].delivered + c.stats[0].missingBytes).toBe(lengths.get(up));
    expect(c.stats[1].delivered + c.stats[1].missingBytes).toBe(lengths.get(down));
  }
}

describe.skipIf(!CAN_RUN)('genmsrp captures', () => {
  it('retransmitted and reordered segments: every connection complete, no gaps', async () => {
    const { file, truth } = generate('impaired.pcap', ['--retrans', '0.02', '--reorder', '0.02', '--seed', '7']);
    expect(truth.impaired.retrans).toBeGreaterThan(0);
    expect(truth.impaired.reorder).toBeGreaterThan(0);
    const r = await reassembleFile(file, true);
    expect(r.tcp.stats.segments).toBe(truth.frames);
    expect(r.sink.conns).toHaveLength(truth.connections);
    expect(r.tcp.stats).toMatchObject({ gaps: 0, missingBytes: 0, overlapConflicts: 0, open: 0 });
    // A duplicated 1-byte segment at next-1 is indistinguishable from a keep-alive.
    expect(r.tcp.stats.retransmissions + r.tcp.stats.keepAlives).toBe(truth.impaired.retrans);
    expect(r.tcp.stats.outOfOrder).toBeGreaterThan(0);
    expect(r.tcp.stats.outOfOrder).toBeLessThanOrEqual(truth.impaired.reorder);
    expect([...r.sink.closes.values()].every((reason) => reason === 'fin')).toBe(true);
    for (const c of r.sink.conns) {
      expect(c.sawSyn).toBe(true);
      expect(c.stats.map((s) => s.delivered)).toEqual(r.sink.delivered[c.id]);
      expect(c.stats.map((s) => s.gaps)).toEqual([0, 0]);
    }
    // The full streams: every request and response start line is there.
    expect(count(r, ' SEND\r\nTo-Path: ')).toBe(truth.requests.SEND);
    expect(count(r, ' REPORT\r\nTo-Path: ')).toBe(truth.requests.REPORT);
    expect(count(r, ' 200 OK\r\nTo-Path: ')).toBe(truth.responses['200']);
    await expectFullLengths(file, r);
    if (HAS_TSHARK) await expectTsharkAgrees(file, r);
  });

  it('lost segments: gaps appear, with exact lengths, and data + gaps fill every stream', async () => {
    const { file, truth } = generate('lossy.pcap', ['--loss', '0.01', '--seed', '3']);
    expect(truth.impaired.loss).toBeGreaterThan(0);
    const r = await reassembleFile(file, true);
    expect(r.tcp.stats.segments).toBe(truth.frames);
    expect(r.sink.conns).toHaveLength(truth.connections);
    expect(r.tcp.stats.gaps).toBeGreaterThan(0);
    // Adjacent losses merge into one hole; each lost segment is at most one MSS (1448 bytes).
    expect(r.tcp.stats.gaps).toBeLessThanOrEqual(truth.impaired.loss);
    expect(r.tcp.stats.missingBytes).toBeLessThanOrEqual(truth.impaired.loss * 1448);
    expect(r.tcp.stats.missingBytes).toBeGreaterThanOrEqual(r.tcp.stats.gaps);
    expect(r.sink.gapList.reduce((n, g) => n + g.length, 0)).toBe(r.tcp.stats.missingBytes);
    // Each hole is known lost once the receiver acknowledges past it: all connections end with their FINs.
    expect([...r.sink.closes.values()].every((reason) => reason === 'fin')).toBe(true);
    // Fewer start lines survive than were sent, but never more.
    expect(count(r, ' SEND\r\nTo-Path: ')).toBeLessThanOrEqual(truth.requests.SEND);
    await expectFullLengths(file, r);
    if (HAS_TSHARK) await expectTsharkAgrees(file, r);
  });
});
