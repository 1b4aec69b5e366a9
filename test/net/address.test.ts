import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalAddress, formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../src/net/address.js';

function v6(s: string): string {
  const b = parseIPv6(s);
  if (b === undefined) throw new Error(`bad ${s}`);
  return formatIPv6(b, 0);
}

describe('IPv4 text', () => {
  it('formats dotted quads', () => {
    expect(formatIPv4(Buffer.from([127, 0, 0, 1]), 0)).toBe('127.0.0.1');
    expect(formatIPv4(Buffer.from([9, 255, 0, 10, 1, 2]), 1)).toBe('255.0.10.1');
    expect(formatIPv4(Buffer.from([255, 255, 255, 255]), 0)).toBe('255.255.255.255');
  });
  it('parses and rejects', () => {
    expect([...parseIPv4('10.1.2.3')!]).toEqual([10, 1, 2, 3]);
    expect(parseIPv4('256.1.1.1')).toBeUndefined();
    expect(parseIPv4('1.2.3')).toBeUndefined();
    expect(parseIPv4('1.2.3.x')).toBeUndefined();
  });
});

describe('IPv6 text (RFC 5952)', () => {
  it('compresses the longest zero run, first on a tie, never a single group', () => {
    expect(v6('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(v6('0:0:0:0:0:0:0:0')).toBe('::');
    expect(v6('2001:DB8:0:0:0:0:2:1')).toBe('2001:db8::2:1');
    expect(v6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(v6('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
    expect(v6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(v6('fe80:0000:0000:0000:0202:b3ff:fe1e:8329')).toBe('fe80::202:b3ff:fe1e:8329');
    expect(v6('1:0:0:0:0:0:0:0')).toBe('1::');
    expect(v6('0:0:1:0:0:0:0:0')).toBe('0:0:1::');
  });
  it('writes IPv4-mapped addresses with a dotted tail', () => {
    expect(v6('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1');
    expect(v6('0:0:0:0:0:ffff:c000:201')).toBe('::ffff:192.0.2.1');
  });
  it('rejects bad text', () => {
    expect(parseIPv6('1::2::3')).toBeUndefined();
    expect(parseIPv6('1:2:3:4:5:6:7')).toBeUndefined();
    expect(parseIPv6('12345::')).toBeUndefined();
    expect(canonicalAddress('nonsense')).toBeUndefined();
    expect(canonicalAddress('::FFFF:1.2.3.4')).toBe('::ffff:1.2.3.4');
  });
  it('agrees with the WHATWG URL serialiser (RFC 5952) and round-trips, for random addresses', () => {
    // Bias towards zero groups so that runs of zeros are frequent.
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const b = Buffer.alloc(16);
        groups.forEach((g, i) => b.writeUInt16BE(g, 2 * i));
        const text = formatIPv6(b, 0);
        expect(parseIPv6(text)!.toString('hex')).toBe(b.toString('hex'));
        const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
        if (!mapped) expect(text).toBe(new URL(`http://[${text}]/`).hostname.slice(1, -1));
      }),
      { numRuns: 2000 },
    );
  });
});
