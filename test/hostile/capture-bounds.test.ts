import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../src/capture/errors.js';
import { CaptureParser } from '../../src/capture/parser.js';
import { openCapture } from '../../src/capture/reader.js';
import { pcapngBlock, writePcap, writePcapng } from '../../src/capture/writer.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { MemoryProbe, MiB } from './memory.js';

/** SHB + IDB of a pcapng file, little-endian. */
function pcapngHead(): Buffer {
  return writePcapng([], { interfaces: [{ linkType: 1 }] });
}

/** The first 12 bytes of an EPB claiming `len` bytes. */
function blockHeader(type: number, len: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len >>> 0, 4);
  b.writeUInt32LE(0, 8);
  return b;
}

/** A Readable of `head`, then 64 KiB chunks of zeros without end; counts the chunks pulled. */
function endless(head: Buffer): { stream: Readable; pulled: () => number } {
  let n = 0;
  const zeros = Buffer.alloc(64 * 1024);
  const stream = new Readable({
    read() {
      this.push(n++ === 0 ? head : zeros);
    },
  });
  return { stream, pulled: () => n };
}

describe('impossible lengths', () => {
  for (const len of [0xfffffffc, 0xffffffff, 0x80000000, 16 * MiB + 4]) {
    it(`pcapng block length ${len}: one diagnostic, reading stops, nothing is buffered`, () => {
      const diags: Diagnostic[] = [];
      const p = new CaptureParser({ onDiagnostic: (d) => diags.push(d) });
      const head = pcapngHead();
      expect(p.push(head)).toEqual([]);
      const probe = new MemoryProbe();
      const zeros = Buffer.alloc(64 * 1024);
      p.push(blockHeader(6, len));
      // 64 MiB more after the bad block: ignored, not held.
      for (let i = 0; i < 1024; i++) expect(p.push(zeros)).toEqual([]);
      p.end();
      expect(diags.map((d) => [d.code, d.offset])).toEqual([['capture-corrupt-record', head.length]]);
      expect(diags[0]!.detail).toContain(`impossible block length ${len}`);
      expect(p.done).toBe(true);
      expect(p.info.truncated).toBe(true);
      expect(probe.retained()).toBeLessThan(2 * MiB);
    });
  }

  it('pcap record length 4 GiB: one diagnostic, earlier records kept', () => {
    const diags: Diagnostic[] = [];
    const good = writePcap([{ tsSec: 1, tsNsec: 0, data: Buffer.alloc(60, 1) }], { linkType: 1 });
    const bad = Buffer.alloc(16);
    bad.writeUInt32LE(0xffffffff, 8);
    bad.writeUInt32LE(0xffffffff, 12);
    const p = new CaptureParser({ onDiagnostic: (d) => diags.push(d) });
    const recs = p.push(Buffer.concat([good, bad, Buffer.alloc(1 << 20)]));
    p.end();
    expect(recs).toHaveLength(1);
    expect(diags.map((d) => d.code)).toEqual(['capture-corrupt-record']);
    expect(diags[0]!.detail).toContain('captured length 4294967295 exceeds 262144');
  });

  it('the stream reader stops pulling input after an impossible block', async () => {
    const diags: Diagnostic[] = [];
    const src = endless(Buffer.concat([pcapngHead(), blockHeader(6, 0xfffffffc)]));
    const reader = await openCapture(src.stream, { onDiagnostic: (d) => diags.push(d) });
    let records = 0;
    for await (const batch of reader) records += batch.length;
    expect(records).toBe(0);
    expect(reader.info.truncated).toBe(true);
    expect(diags.map((d) => d.code)).toEqual(['capture-corrupt-record']);
    // Not one byte of the endless tail is read beyond what the stream had buffered ahead.
    expect(src.pulled()).toBeLessThan(40);
  });
});

describe('gzip bombs', () => {
  /** One gzip member inflating to a 16 MiB pcapng block of an unknown type (skipped by its length). */
  function skipBlockMember(): Buffer {
    const body = Buffer.alloc(16 * MiB - 12);
    return gzipSync(pcapngBlock(0x0bad, body), { level: 9 });
  }

  function bomb(members: number): Buffer {
    const m = skipBlockMember();
    return Buffer.concat([gzipSync(pcapngHead()), ...Array.from({ length: members }, () => m)]);
  }

  it('output cap: a clear CaptureError once the decompressed size passes it, memory flat', async () => {
    const gz = bomb(64); // about 1 GiB decompressed from a few MiB
    expect(gz.length).toBeLessThan(4 * MiB);
    const probe = new MemoryProbe();
    const reader = await openCapture(Readable.from([gz]), { maxDecompressedBytes: 100 * MiB });
    let err: unknown;
    try {
      for await (const batch of reader) expect(batch).toEqual([]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as Error).message).toBe(`decompressed size exceeds ${100 * MiB} bytes`);
    expect(reader.info.truncated).toBe(true);
    probe.sample();
    expect(probe.peak).toBeLessThan(160 * MiB);
  }, 60_000);

  it('under the default cap a 512 MiB bomb streams through in bounded memory (blocks up to 16 MiB)', async () => {
    const gz = bomb(32);
    const probe = new MemoryProbe();
    const reader = await openCapture(Readable.from([gz]), {});
    let batches = 0;
    for await (const batch of reader) {
      expect(batch).toEqual([]);
      if ((++batches & 63) === 0) probe.sample();
    }
    const info = reader.info;
    expect(info.compressed).toBe(true);
    expect(info.format).toBe('pcapng');
    expect(info.packets).toBe(0);
    expect(info.truncated).toBe(false);
    probe.sample();
    // One 16 MiB block is assembled at a time (the largest block accepted), never the whole stream.
    expect(probe.peak).toBeLessThan(160 * MiB);
    console.log(`gzip bomb 512 MiB: peak growth ${(probe.peak / MiB).toFixed(0)} MiB`);
  }, 60_000);
});
