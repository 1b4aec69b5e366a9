/**
 * isIPv4Text and isIPv6Text decide as node:net's isIPv4 and isIPv6 (which the MSRP URI parser used before):
 * fixed cases with their answers, then random texts made of the characters an address is written with.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { isIPv4Text, isIPv6Text } from '../../src/util/ip-text.js';

const V4_YES = ['0.0.0.0', '1.2.3.4', '255.255.255.255', '10.0.0.1', '192.168.100.200', '9.99.199.249'];
const V4_NO = ['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '256.1.1.1', '1.2.3.4.', '.1.2.3.4', '1..2.3', '1.2.3.a', ' 1.2.3.4', '1.2.3.1000', '1:2.3.4'];
const V6_YES = [
  '::', '::1', '1::', '1:2:3:4:5:6:7:8', 'fe80::1', 'FE80::ABCD:1', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1::8',
  '::ffff:192.0.2.1', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5::1.2.3.4', '::1.2.3.4', 'fe80::1%eth0', 'fe80::1%25eth0', '::%a-b.c:d',
];
const V6_NO = [
  '', ':', ':::', '1:::2', '1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:',
  '12345::', 'g::1', '1.2.3.4::', '1:2:3:4:5:6::1.2.3.4', '::1.2.3.04', '::1%', '::1%a%b', '::1%a b', '1.2.3.4', '[::1]',
];

describe('IP address texts', () => {
  it('answers the fixed cases, as node:net does', () => {
    for (const s of V4_YES) expect([s, isIPv4Text(s)]).toEqual([s, true]);
    for (const s of V4_NO) expect([s, isIPv4Text(s)]).toEqual([s, false]);
    for (const s of V6_YES) expect([s, isIPv6Text(s)]).toEqual([s, true]);
    for (const s of V6_NO) expect([s, isIPv6Text(s)]).toEqual([s, false]);
    for (const s of [...V4_YES, ...V4_NO, ...V6_YES, ...V6_NO]) {
      expect([s, isIPv4Text(s), isIPv6Text(s)]).toEqual([s, isIPv4(s), isIPv6(s)]);
    }
  });

  // Texts of address characters: random ones, and ones put together from groups, dotted-quads and separators.
  const anyText = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg.:%-z '.split('')), maxLength: 48 });
  const decimal = fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 255 }).map(String) },
    { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 256, max: 999 }).map(String), fc.constantFrom('00', '01', '007', '1000', '')) },
  );
  const quad = fc.oneof(
    { weight: 4, arbitrary: fc.array(decimal, { minLength: 4, maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(decimal, { minLength: 3, maxLength: 5 }) },
  ).map((p) => p.join('.'));
  const hexGroup = fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'.split('')), maxLength: 5 }), fc.constantFrom('FFFF', 'aBcD', '0'));
  const piece = fc.oneof({ weight: 6, arbitrary: hexGroup }, { weight: 1, arbitrary: quad }, { weight: 1, arbitrary: fc.constant('') });
  const sep = fc.constantFrom(':', ':', ':', '::', ':::');
  const zone = fc.option(fc.string({ unit: fc.constantFrom(...'a0Z-.:% %'.split('')), maxLength: 6 }), { nil: undefined });
  // Near-addresses: up to 9 groups, a `::` somewhere or not, a dotted-quad at the end or not.
  const validGroup = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'.split('')), minLength: 1, maxLength: 4 });
  const compressed = fc.tuple(fc.array(validGroup, { maxLength: 9 }), fc.integer({ min: -1, max: 9 }), fc.option(quad, { nil: undefined })).map(
    ([groups, at, v4]) => {
      const all = v4 === undefined ? groups : [...groups, v4];
      if (at < 0 || at > all.length) return all.join(':');
      return `${all.slice(0, at).join(':')}::${all.slice(at).join(':')}`;
    },
  );
  const built = fc.tuple(fc.array(fc.tuple(piece, sep), { maxLength: 9 }), piece, zone).map(
    ([pairs, last, z]) => pairs.map(([p, s]) => p + s).join('') + last + (z === undefined ? '' : `%${z}`),
  );

  it('decides random texts as node:net does', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, quad, built, compressed), (s) => {
        expect([s, isIPv4Text(s), isIPv6Text(s)]).toEqual([s, isIPv4(s), isIPv6(s)]);
      }),
      { numRuns: 20000 },
    );
  });

  it('finds addresses among the random texts (the property above is not only about non-addresses)', () => {
    const sample = fc.sample(fc.oneof(anyText, quad, built, compressed), { numRuns: 4000, seed: 7 });
    expect(sample.filter((s) => isIP(s) === 4).length).toBeGreaterThan(100);
    expect(sample.filter((s) => isIP(s) === 6).length).toBeGreaterThan(100);
  });
});
