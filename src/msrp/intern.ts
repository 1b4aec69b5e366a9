/**
 * Interned strings for the few names that make up nearly all traffic (header names, methods): a byte
 * comparison instead of a string allocation per header. Anything else is decoded as latin1.
 */
export class Interner {
  private readonly byLength: (string[] | undefined)[] = [];

  constructor(words: readonly string[]) {
    for (const w of words) (this.byLength[w.length] ??= []).push(w);
  }

  get(buf: Buffer, start: number, end: number): string {
    const candidates = this.byLength[end - start];
    if (candidates !== undefined) {
      for (const w of candidates) {
        let j = 0;
        while (j < w.length && buf[start + j] === w.charCodeAt(j)) j++;
        if (j === w.length) return w;
      }
    }
    return buf.toString('latin1', start, end);
  }
}

export const HEADER_NAMES = new Interner([
  'To-Path', 'From-Path', 'Use-Path', 'Message-ID', 'Byte-Range', 'Content-Type', 'Success-Report',
  'Failure-Report', 'Status', 'Expires', 'Min-Expires', 'Max-Expires', 'WWW-Authenticate', 'Authorization',
  'Authentication-Info', 'Content-ID', 'Content-Description', 'Content-Disposition', 'Use-Nickname',
]);

export const METHODS = new Interner(['SEND', 'REPORT', 'AUTH', 'NICKNAME']);
