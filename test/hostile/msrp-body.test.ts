import { describe, expect, it } from 'vitest';
import type { FrameRef } from '../../src/capture/types.js';
import { MsrpParser } from '../../src/msrp/parser.js';
import type { MsrpFrame } from '../../src/msrp/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { MemoryProbe, MiB } from './memory.js';

// A body that never ends: 1 GiB streamed in 64 KiB pushes (about a second: the parser only searches for the
// end-line and hashes), never kept. MSRPSCOPE_HOSTILE_BODY_MB=4096 tries a bigger one by hand.
const BODY_MB = Number(process.env.MSRPSCOPE_HOSTILE_BODY_MB ?? 1024);
const CHUNK = 64 * 1024;
const REF: FrameRef = { frame: 7, tsSec: 1, tsNsec: 0 };

/** 64 KiB of body full of near misses of the end-line, ending with a prefix of the real one (carried over). */
function bodyChunk(txid: string): Buffer {
  const b = Buffer.alloc(CHUNK, 0x78);
  const near = Buffer.from(`\r\n-------${txid.slice(0, -1)}Q$\r\n\r\n------${txid}$\r\n\n-------${txid}X\r\nMSRP ${txid} SEND\r\n`, 'latin1');
  for (let at = 100; at + near.length < CHUNK - 64; at += 4096) near.copy(b, at);
  Buffer.from(`\r\n-------${txid.slice(0, 5)}`, 'latin1').copy(b, CHUNK - 7 - 5 - 2);
  return b;
}

describe('MSRP body without an end-line', () => {
  it(`streams a ${BODY_MB} MiB body in 64 KiB pushes in constant memory, every byte accounted`, () => {
    const txid = 'abcd1234';
    const frames: MsrpFrame[] = [];
    const diags: Diagnostic[] = [];
    let sliced = 0;
    let slices = 0;
    const parser = new MsrpParser(
      {
        message: (m) => frames.push(m),
        body: (s) => {
          sliced += s.length;
          slices++;
        },
        diagnostic: (d) => diags.push(d),
      },
      { connection: 0, dir: 0, startInSync: true, hashBodies: true },
    );
    const head = Buffer.from(`MSRP ${txid} SEND\r\nTo-Path: msrp://b.example:2855/s;tcp\r\nFrom-Path: msrp://a.example:2855/t;tcp\r\nMessage-ID: m1-body-bomb\r\nByte-Range: 1-*/*\r\nContent-Type: application/octet-stream\r\n\r\n`, 'latin1');
    const chunk = bodyChunk(txid);
    const pushes = (BODY_MB * MiB) / CHUNK;
    const probe = new MemoryProbe();
    parser.push(head, REF);
    for (let i = 0; i < pushes; i++) {
      parser.push(chunk, REF);
      if ((i & 255) === 0) probe.sample();
    }
    expect(frames).toHaveLength(0); // still inside the body
    const retainedBeforeEnd = probe.retained();
    parser.end();

    const total = pushes * CHUNK;
    expect(frames).toHaveLength(1);
    const m = frames[0]!;
    expect(m.truncated).toBe(true);
    expect(m.bodyLength).toBe(total);
    expect(sliced).toBe(total);
    expect(slices).toBeGreaterThanOrEqual(pushes);
    expect(m.endOffset).toBe(head.length + total);
    expect(m.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    // Nothing in the body was taken for framing: no resync, no start-line, no end-line.
    expect(diags.map((d) => d.code)).toEqual(['truncated-at-end']);
    expect(diags[0]!.detail).toContain(`(${total} bytes so far)`);
    expect(parser.bytesSkipped).toBe(0);
    // Constant memory: nothing grows with the body (the 64 KiB chunk is reused by the test).
    expect(retainedBeforeEnd).toBeLessThan(4 * MiB);
    expect(probe.peak).toBeLessThan(32 * MiB);
    console.log(`msrp body ${BODY_MB} MiB: peak growth ${(probe.peak / MiB).toFixed(1)} MiB, retained ${(retainedBeforeEnd / MiB).toFixed(2)} MiB`);
  }, 120_000);
});
