/** TCP header checks (options are skipped by the data offset; none are interpreted). */

/** The header is shorter than 20 bytes within the datagram. */
export const TCP_SHORT = -1;
/** Data offset below 5 words. */
export const TCP_BAD_OFFSET = -2;
/** Data offset reaches beyond the datagram. */
export const TCP_OFFSET_BEYOND = -3;

/** Returns the TCP header length (20..60) of the header at `p` in a datagram ending at `end`, or TCP_*. */
export function tcpHeaderLength(d: Buffer, p: number, end: number): number {
  if (end - p < 20) return TCP_SHORT;
  const hlen = (d[p + 12]! >> 4) * 4;
  if (hlen < 20) return TCP_BAD_OFFSET;
  if (p + hlen > end) return TCP_OFFSET_BEYOND;
  return hlen;
}

export function tcpErrorText(code: number, d: Buffer, p: number, end: number): string {
  if (code === TCP_SHORT) return `TCP header needs 20 bytes, ${Math.max(0, end - p)} present`;
  const hlen = (d[p + 12]! >> 4) * 4;
  if (code === TCP_BAD_OFFSET) return `TCP data offset ${hlen} below 20`;
  return `TCP data offset ${hlen} beyond the ${end - p} bytes of the segment`;
}
