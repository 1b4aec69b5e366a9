/**
 * Numbers by index in a typed array grown as higher indexes come (doubling, from 1024), `none` where nothing was
 * set: what is kept per record of a long capture (its place in a file, a bit of it) costs 4 or 8 bytes, not an
 * object or an array slot.
 */
export class Column<A extends Int32Array | Uint32Array | Float64Array> {
  private values: A;

  constructor(
    private readonly make: (n: number) => A,
    private readonly none = 0,
  ) {
    this.values = make(0);
  }

  set(index: number, v: number): void {
    if (index >= this.values.length) {
      const grown = this.make(Math.max(1024, index + 1, this.values.length * 2));
      if (this.none !== 0) grown.fill(this.none);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[index] = v;
  }

  get(index: number): number {
    return index >= 0 && index < this.values.length ? (this.values[index] as number) : this.none;
  }

  /** Indexes below this may have been set. */
  get length(): number {
    return this.values.length;
  }
}
