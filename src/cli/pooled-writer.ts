/**
 * Text written to a stream (a pipe, a socket, a file node writes from its threads) through a few reused
 * buffers. A string handed to such a stream is encoded into fresh memory for each write and freed when the
 * write completes; at hundreds of MB of JSON the allocator keeps that memory resident long after. Encoding
 * into buffers this writer owns, and taking one back when the stream is done with it, keeps the text waiting
 * to be written within a few buffers: ready() tells a writer to wait while all of them are out.
 *
 * A writer that writes before it asks (NDJSON lines made while a batch of packets is read) can have more than
 * `max` out at once: those buffers are kept too when they come back, up to `keep`, instead of being made anew
 * next time (an NDJSON run into a pipe made 205 buffers of 256 KiB for a 200 MB capture, 30-40 MB of external
 * memory waiting for a collection at a time on 1 GB).
 */
import type { Writable } from 'node:stream';
import { encodeTerminalSafeJson, terminalSafeJson } from '../export/json-safe.js';

export class PooledWriter {
  private readonly free: Buffer[] = [];
  private out = 0;
  private waiters: Array<() => void> = [];
  /** Buffers made so far. */
  allocated = 0;

  constructor(
    private readonly stream: Writable,
    private readonly size = 256 * 1024,
    private readonly max = 4,
    private readonly keep = max * 4,
  ) {}

  write(text: string): void {
    if (text.length === 0) return;
    // At most 3 bytes of UTF-8 per UTF-16 unit: a text that may not fit one buffer is written as it is
    // (counted out like a buffer until the stream is done with it).
    if (text.length * 3 > this.size) {
      this.writeText(text);
      return;
    }
    const b = this.take();
    this.send(b, b.write(text, 0, 'utf8'));
  }

  /**
   * write(terminalSafeJson(json)), with the check made on the bytes encoded for writing (json-safe.ts
   * encodeTerminalSafeJson): the text is encoded once, and escaped only when it holds an unsafe character.
   */
  writeJson(json: string): void {
    if (json.length === 0) return;
    if (json.length * 3 > this.size) {
      this.writeText(terminalSafeJson(json));
      return;
    }
    const b = this.take();
    const n = encodeTerminalSafeJson(json, b);
    if (n >= 0) {
      this.send(b, n);
      return;
    }
    // Escaped, it no longer fits a buffer.
    this.free.push(b);
    this.writeText(terminalSafeJson(json));
  }

  private take(): Buffer {
    let b = this.free.pop();
    if (b === undefined) {
      b = Buffer.allocUnsafeSlow(this.size);
      this.allocated++;
    }
    return b;
  }

  private send(b: Buffer, n: number): void {
    this.out++;
    this.stream.write(b.subarray(0, n), () => this.back(b));
  }

  private writeText(text: string): void {
    this.out++;
    this.stream.write(text, () => this.back(undefined));
  }

  /** Undefined while a buffer is free (or could be made); else a promise settled when one comes back. */
  ready(): Promise<void> | undefined {
    if (this.out < this.max) return undefined;
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private back(b: Buffer | undefined): void {
    this.out--;
    if (b !== undefined && this.free.length < this.keep) this.free.push(b);
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}
