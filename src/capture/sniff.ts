/** Magic-number detection for the first bytes of an input. */

export type CaptureKind =
  | { format: 'pcap'; littleEndian: boolean; nanosecond: boolean }
  | { format: 'pcapng' };

/** Byte sequences a capture may start with (as stored in the file). */
const MAGICS: readonly (readonly number[])[] = [
  [0xd4, 0xc3, 0xb2, 0xa1], // pcap, µs, little-endian
  [0xa1, 0xb2, 0xc3, 0xd4], // pcap, µs, big-endian
  [0x4d, 0x3c, 0xb2, 0xa1], // pcap, ns, little-endian
  [0xa1, 0xb2, 0x3c, 0x4d], // pcap, ns, big-endian
  [0x0a, 0x0d, 0x0d, 0x0a], // pcapng section header block
];

/** Bytes needed to recognise a capture. */
export const MAGIC_LENGTH = 4;

/** True when `head` (fewer than MAGIC_LENGTH bytes allowed) is a prefix of some capture magic. */
export function couldBeCapture(head: Buffer): boolean {
  return MAGICS.some((m) => {
    const n = Math.min(head.length, m.length);
    for (let i = 0; i < n; i++) if (head[i] !== m[i]) return false;
    return true;
  });
}

/** The capture kind for the first 4 bytes, or undefined for an unknown magic. */
export function sniffCapture(head: Buffer): CaptureKind | undefined {
  if (head.length < MAGIC_LENGTH) return undefined;
  const le = head.readUInt32LE(0);
  switch (le) {
    case 0xa1b2c3d4:
      return { format: 'pcap', littleEndian: true, nanosecond: false };
    case 0xd4c3b2a1:
      return { format: 'pcap', littleEndian: false, nanosecond: false };
    case 0xa1b23c4d:
      return { format: 'pcap', littleEndian: true, nanosecond: true };
    case 0x4d3cb2a1:
      return { format: 'pcap', littleEndian: false, nanosecond: true };
    case 0x0a0d0d0a:
      return { format: 'pcapng' };
    default:
      return undefined;
  }
}

/** gzip member magic (1f 8b). */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}
