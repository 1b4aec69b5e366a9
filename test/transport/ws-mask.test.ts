import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unmask } from '../../src/transport/ws-mask.js';

function naive(src: Buffer, key: Buffer, phase: number): Buffer {
  const out = Buffer.alloc(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]! ^ key[(i + phase) & 3]!;
  return out;
}

describe('unmask', () => {
  it('equals the byte-wise definition for any length, key, phase and input alignment', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 700 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.nat(3),
        fc.nat(7),
        (data, keyBytes, phase, skew) => {
          const key = Buffer.from(keyBytes);
          // A view at an odd offset of a larger buffer, as captures give.
          const backing = Buffer.alloc(data.length + skew);
          Buffer.from(data).copy(backing, skew);
          const src = backing.subarray(skew);
          const before = Buffer.from(src);
          const out = unmask(src, key.readUInt32BE(0), phase);
          expect(out.equals(naive(before, key, phase))).toBe(true);
          expect(src.equals(before)).toBe(true);
          expect(out.length).toBe(data.length);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('RFC 6455 section 5.7 masked "Hello"', () => {
    const out = unmask(Buffer.from('7f9f4d5158', 'hex'), 0x37fa213d, 0);
    expect(out.toString()).toBe('Hello');
  });

  it('unmasking twice with the same key and phase gives the input back', () => {
    const src = Buffer.from('a'.repeat(1000) + 'MSRP x SEND\r\n');
    expect(unmask(unmask(src, 0xdeadbeef, 2), 0xdeadbeef, 2).equals(src)).toBe(true);
  });
});
