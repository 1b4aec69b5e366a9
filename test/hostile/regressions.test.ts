import { describe, expect, it } from 'vitest';
import { printable } from '../../src/msrp/bytes.js';
import { safeText } from '../../src/sip/text.js';
import { ConnectionTable, type TableEntry } from '../../src/tcp/connection-table.js';
import { own } from '../../src/tcp/stream-buffer.js';
import { FragmentTable } from '../../src/net/fragments.js';

// Regression tests of the fixes made while fuzzing (each also has a reproducer in test/fuzz-crashes/ or a
// bound test in this folder).

describe('diagnostic text escapes C1 and bidi controls', () => {
  it('MSRP printable(): C1 (bytes 0x80-0x9f read as latin1) and bidi/format controls become escapes', () => {
    expect(printable('a\x9b31mb\x85c\x1bd')).toBe('a\\x9b31mb\\x85c\\x1bd');
    expect(printable('x\u202ey\u2066z\u200f\u061c\ufeff')).toBe('x\\u202ey\\u2066z\\u200f\\u061c\\ufeff');
    expect(printable('plain é ü €')).toBe('plain é ü €');
  });

  it('SIP safeText(): the same set', () => {
    expect(safeText('a\x9bb\u202ec\u2069d\x07')).toBe('a\\x9bb\\u202ec\\u2069d\\x07');
    expect(safeText('é€ ok')).toBe('é€ ok');
  });
});

describe('TCP connection table', () => {
  interface E extends TableEntry {
    id: number;
  }
  const entry = (id: number): E => ({ id, touched: 0, queued: 0 });

  it('evicts the idlest entry after heavy churn, and its queue stays proportional to the live entries', () => {
    const t = new ConnectionTable<E>();
    // Many short-lived entries (added and deleted, as connections closing by FIN) around a few long-lived ones.
    for (let i = 0; i < 10; i++) t.add(`keep${i}`, entry(i));
    for (let i = 0; i < 200_000; i++) {
      t.add(`k${i}`, entry(1000 + i));
      t.delete(`k${i}`);
    }
    expect(t.size).toBe(10);
    expect(t.queued).toBeLessThanOrEqual(2 * t.size + 1024 + 1);
    t.touch(t.get('keep0')!);
    expect(t.evictIdlest()!.id).toBe(1);
    expect(t.evictIdlest()!.id).toBe(2);
    for (let i = 3; i < 10; i++) expect(t.evictIdlest()!.id).toBe(i);
    expect(t.evictIdlest()!.id).toBe(0);
    expect(t.evictIdlest()).toBeUndefined();
    expect(t.size).toBe(0);
  });

  it('an entry re-added under its key is not evicted through its old queue position', () => {
    const t = new ConnectionTable<E>();
    const a = entry(1);
    t.add('a', a);
    t.add('b', entry(2));
    t.delete('a');
    t.add('a', a);
    expect(t.evictIdlest()!.id).toBe(2);
    expect(t.evictIdlest()!.id).toBe(1);
  });
});

describe('out-of-order pieces do not keep large buffers alive', () => {
  it('own(): a small view of a large buffer is copied; a view that is most of its buffer is kept', () => {
    const big = Buffer.alloc(256 * 1024, 1);
    const v = big.subarray(100, 101);
    const o = own(v);
    expect(o.buffer).not.toBe(big.buffer);
    expect(o.buffer.byteLength).toBe(1);
    expect(o[0]).toBe(1);
    const whole = Buffer.alloc(1400, 2);
    expect(own(whole)).toBe(whole);
  });
});

describe('IP fragment table', () => {
  it('bounds the stored pieces, dropping the oldest datagram with a diagnostic', () => {
    const reports: string[] = [];
    const t = new FragmentTable({ timeoutSec: 30, maxBytes: 1 << 30, maxPieces: 100 }, { report: (code) => reports.push(code) });
    const at = { frame: 1, tsSec: 1, tsNsec: 0 };
    for (let id = 0; id < 3; id++) {
      // 60 non-adjacent 8-byte pieces per datagram.
      for (let k = 0; k < 60; k++) {
        t.add({ key: `d${id}`, label: `d${id}`, offset: k * 16, more: true, data: Buffer.alloc(8), missing: 0, proto: 17, at });
      }
    }
    expect(t.pieces).toBeLessThanOrEqual(100);
    expect(reports.filter((r) => r === 'ip-fragment-overflow').length).toBe(2);
    expect(t.size).toBe(1);
  });

  it('fills holes found by binary search: pieces in any order reassemble exactly', () => {
    const t = new FragmentTable({ timeoutSec: 30, maxBytes: 1 << 20 }, { report: () => {} });
    const data = Buffer.from(Array.from({ length: 4096 }, (_, i) => i & 0xff));
    const order = Array.from({ length: 512 }, (_, i) => (i * 197) % 512);
    let out: Buffer | undefined;
    for (const k of order) {
      const r = t.add({ key: 'x', label: 'x', offset: k * 8, more: k !== 511, data: data.subarray(k * 8, k * 8 + 8), missing: 0, proto: 6, at: { frame: 1, tsSec: 1, tsNsec: 0 } });
      if (r !== undefined) out = r.data;
    }
    expect(out).toEqual(data);
    expect(t.held).toBe(0);
    expect(t.pieces).toBe(0);
  });
});
