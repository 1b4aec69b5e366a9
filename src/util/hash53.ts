/**
 * 53-bit string hashes and a compact set of them: what a long capture keeps of records it let go (the keys of
 * folded messages) or of names it handed out (extracted files), at most 12 bytes an entry.
 */

/** 53 bits of a string's hash (two 32-bit multiplicative hashes), salted with a number; never 0. */
export function keyHash(s: string, salt = 0): number {
  let h1 = Math.imul(0x811c9dc5 ^ salt, 0x01000193);
  let h2 = Math.imul(0x9747b28c ^ salt, 0x5bd1e995);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 13;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  const v = (h1 >>> 11) * 4294967296 + (h2 >>> 0);
  return v === 0 ? 1 : v;
}

/** A set of non-zero 53-bit hashes (open addressing in a Float64Array, at most two thirds full: 12 bytes per entry at most). */
export class HashSet53 {
  private slots = new Float64Array(1024);
  size = 0;

  has(h: number): boolean {
    const s = this.slots;
    const mask = s.length - 1;
    for (let i = h % s.length; ; i = (i + 1) & mask) {
      const v = s[i] as number;
      if (v === h) return true;
      if (v === 0) return false;
    }
  }

  add(h: number): void {
    if ((this.size + 1) * 3 > this.slots.length * 2) this.grow();
    const s = this.slots;
    const mask = s.length - 1;
    for (let i = h % s.length; ; i = (i + 1) & mask) {
      const v = s[i] as number;
      if (v === h) return;
      if (v === 0) {
        s[i] = h;
        this.size++;
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.size = 0;
    for (let i = 0; i < old.length; i++) {
      const v = old[i] as number;
      if (v !== 0) this.add(v);
    }
  }
}
