/**
 * Byte helpers shared by every layer. They use Uint8Array#set, which accepts any Buffer under every @types/node / TypeScript
 * pairing (Buffer.concat and buf.copy reject Buffer arguments with @types/node 20.9 under TS >= 5.7).
 */

/** Joins pieces into one new buffer of `total` bytes (the sum of the pieces' lengths). */
export function joinPieces(pieces: readonly Buffer[], total?: number): Buffer {
  let size = total ?? 0;
  if (total === undefined) for (const p of pieces) size += p.length;
  const out = Buffer.allocUnsafe(size);
  let off = 0;
  for (const p of pieces) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A copy of `b` that does not share memory with it. */
export function copyBytes(b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(b.length);
  out.set(b, 0);
  return out;
}
