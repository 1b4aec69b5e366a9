/** A classic hex dump (offset, 16 bytes in hex, printable ASCII) — never passes a raw byte through. */

export function hexDump(bytes: Uint8Array, maxBytes = 256): string[] {
  const n = Math.min(bytes.length, Math.max(0, maxBytes));
  const out: string[] = [];
  for (let off = 0; off < n; off += 16) {
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const p = off + i;
      if (p < n) {
        const b = bytes[p] ?? 0;
        hex += `${b.toString(16).padStart(2, '0')} `;
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        hex += '   ';
      }
      if (i === 7) hex += ' ';
    }
    out.push(`${off.toString(16).padStart(4, '0')}  ${hex} |${ascii}|`);
  }
  if (bytes.length > n) out.push(`… ${bytes.length - n} more bytes`);
  return out;
}
