/**
 * Turns a byte string into a sequence of decisions (like libFuzzer's FuzzedDataProvider), so structured
 * targets (a list of TCP segments, of SIP messages, of stream pieces) still take one Buffer as input: the
 * input file of a reproducer replays the case exactly, and byte mutations of it make new structured cases.
 * Reading past the end yields zeros; nothing here throws.
 */
export class DataProvider {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return Math.max(0, this.buf.length - this.pos);
  }

  u8(): number {
    return this.pos < this.buf.length ? this.buf[this.pos++]! : 0;
  }

  u16(): number {
    return (this.u8() << 8) | this.u8();
  }

  u32(): number {
    return ((this.u16() << 16) | this.u16()) >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    if (n <= 1) return 0;
    if (n <= 256) return this.u8() % n;
    if (n <= 65536) return this.u16() % n;
    return this.u32() % n;
  }

  bool(): boolean {
    return (this.u8() & 1) === 1;
  }

  /** Up to `max` bytes, length-prefixed (16 bits); a view of the input. */
  bytes(max: number): Buffer {
    const n = Math.min(this.u16(), max, this.remaining);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Writes what DataProvider reads (for building seed inputs of structured targets). */
export class DataWriter {
  private readonly parts: Buffer[] = [];

  u8(v: number): this {
    this.parts.push(Buffer.from([v & 0xff]));
    return this;
  }

  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v & 0xffff, 0);
    this.parts.push(b);
    return this;
  }

  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0, 0);
    this.parts.push(b);
    return this;
  }

  bytes(b: Buffer): this {
    const n = Math.min(b.length, 0xffff);
    this.u16(n);
    this.parts.push(b.subarray(0, n));
    return this;
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}
