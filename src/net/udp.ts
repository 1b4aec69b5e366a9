/** UDP header checks. */

/** The header is shorter than 8 bytes within the datagram. */
export const UDP_SHORT = -1;
/** Length field below 8. */
export const UDP_BAD_LENGTH = -2;
/** Length field beyond the IP payload (as announced by the IP header). */
export const UDP_LENGTH_BEYOND = -3;

/**
 * Returns the UDP length (header + payload, >= 8) of the datagram at `p`, whose IP payload ends at `end`
 * with `missing` more bytes not captured; or UDP_*. A zero length field in IPv6 (jumbogram) means "the rest".
 */
export function udpLength(d: Buffer, p: number, end: number, missing: number, ipv6: boolean): number {
  const avail = end - p;
  if (avail < 8) return UDP_SHORT;
  let len = (d[p + 4]! << 8) | d[p + 5]!;
  if (len === 0 && ipv6) len = avail + missing;
  if (len < 8) return UDP_BAD_LENGTH;
  if (len > avail + missing) return UDP_LENGTH_BEYOND;
  return len;
}

export function udpErrorText(code: number, d: Buffer, p: number, end: number, missing: number): string {
  if (code === UDP_SHORT) return `UDP header needs 8 bytes, ${Math.max(0, end - p)} present`;
  const len = (d[p + 4]! << 8) | d[p + 5]!;
  if (code === UDP_BAD_LENGTH) return `UDP length ${len} below 8`;
  return `UDP length ${len} beyond the ${end - p + missing} bytes of the IP payload`;
}
