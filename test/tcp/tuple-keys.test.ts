import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tupleKey } from '../../src/tcp/connection-table.js';
import { TupleKeys } from '../../src/tcp/tuple-keys.js';

describe('TupleKeys', () => {
  it('gives the same key as tupleKey, for both directions, and one string per repeated tuple', () => {
    const keys = new TupleKeys();
    const k1 = keys.of('10.0.0.1', 40000, '10.1.0.1', 2855);
    expect(k1).toBe(tupleKey('10.0.0.1', 40000, '10.1.0.1', 2855));
    expect(keys.of('10.1.0.1', 2855, '10.0.0.1', 40000)).toBe(k1);
    const again = keys.of('10.0.0.1', 40000, '10.1.0.1', 2855);
    expect(again).toBe(k1);
    // Same ports, other hosts (same cache slot): a different key.
    expect(keys.of('10.0.0.2', 40000, '10.1.0.1', 2855)).toBe(tupleKey('10.0.0.2', 40000, '10.1.0.1', 2855));
    expect(keys.of('10.0.0.1', 40000, '10.1.0.1', 2855)).toBe(k1);
  });

  it('equals tupleKey for any sequence of tuples (slot collisions included)', () => {
    const host = fc.constantFrom('10.0.0.1', '10.0.0.2', '::1', 'fe80::1', '10.0.0.10');
    const port = fc.oneof(fc.constantFrom(0, 1, 2855, 5060, 1024, 2048, 65535), fc.integer({ min: 0, max: 65535 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(host, port, host, port), { maxLength: 200 }), (tuples) => {
        const keys = new TupleKeys();
        for (const [a, ap, b, bp] of tuples) expect(keys.of(a, ap, b, bp)).toBe(tupleKey(a, ap, b, bp));
      }),
      { numRuns: 300 },
    );
  });
});
