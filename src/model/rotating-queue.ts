/**
 * Items examined a few at a time, oldest first, for a step of work that may not be due yet for each: one that
 * is not goes to the back. Slots taken from the front are reclaimed once they are half the array.
 */
export class RotatingQueue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  /** Examines at most `n` items from the front while `more()`: one `done` accepts leaves, any other goes to the back. */
  examine(n: number, more: () => boolean, done: (item: T) => boolean): void {
    for (let k = 0; k < n && this.head < this.items.length && more(); k++) {
      const item = this.items[this.head] as T;
      this.items[this.head++] = undefined;
      if (!done(item)) this.items.push(item);
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
