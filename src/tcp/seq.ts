/**
 * 32-bit TCP sequence arithmetic. Streams are tracked as absolute byte offsets (plain numbers, exact up to
 * 2^53, so streams longer than 4 GiB keep working); a 32-bit sequence number is turned into an offset
 * relative to a known (offset, sequence) pair with a signed 32-bit difference.
 */

export const SEQ_MOD = 4294967296;

/** Signed distance `a - b` in 32-bit sequence space, in [-2^31, 2^31). */
export function seqDelta(a: number, b: number): number {
  return (a - b) | 0;
}

/** `seq + n` modulo 2^32, for any non-negative `n` (n may exceed 2^32). */
export function seqAdd(seq: number, n: number): number {
  return (seq + (n % SEQ_MOD)) % SEQ_MOD;
}

/** Segments starting further ahead than this (1 GiB, the largest TCP window) are not believed. */
export const MAX_AHEAD = 1 << 30;
