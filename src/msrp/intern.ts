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

const LOWER_NAMES = new Map<string, string>();
const LOWER_NAMES_MAX = 256;

/** ASCII lower case of a header name; the names of real traffic are remembered, not lower-cased each time. */
export function lowerName(name: string): string {
  let l = LOWER_NAMES.get(name);
  if (l === undefined) {
    l = name.toLowerCase();
    if (LOWER_NAMES.size < LOWER_NAMES_MAX) LOWER_NAMES.set(name, l);
  }
  return l;
}
