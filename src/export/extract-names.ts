/**
 * File names for extracted message bodies. Names come from the capture (SDP file-selector, a
 * Content-Disposition filename, a Message-ID), so they are hostile input: no path separators, no `..`,
 * no control or bidi characters, no Windows reserved names or characters, bounded length.
 */
import { HashSet53, keyHash } from '../util/hash53.js';

const RESERVED = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\.|$)/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;
const FORBIDDEN = /[<>:"/\\|?*]/g;
const MAX_NAME_BYTES = 180;

const EXTENSIONS = new Map<string, string>([
  ['text/plain', '.txt'],
  ['text/html', '.html'],
  ['text/x-msrp-heartbeat', '.txt'],
  ['application/pdf', '.pdf'],
  ['application/json', '.json'],
  ['application/xml', '.xml'],
  ['application/octet-stream', '.bin'],
  ['application/zip', '.zip'],
  ['image/jpeg', '.jpg'],
  ['image/png', '.png'],
  ['image/gif', '.gif'],
  ['video/mp4', '.mp4'],
  ['audio/mpeg', '.mp3'],
  ['message/cpim', '.cpim'],
  ['message/imdn+xml', '.xml'],
  ['application/im-iscomposing+xml', '.xml'],
]);

/** A usual file extension for a media type, or ''. */
export function extensionFor(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const t = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return EXTENSIONS.get(t) ?? '';
}

/** Cuts `s` to at most `max` UTF-8 bytes without splitting a character. */
function clipUtf8(s: string, max: number): string {
  if (Buffer.byteLength(s, 'utf8') <= max) return s;
  let out = '';
  let n = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (n + b > max) break;
    out += ch;
    n += b;
  }
  return out;
}

/** Splits `name.ext` (a leading dot is not an extension separator). */
export function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot > 16) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

/**
 * A safe single path component from an untrusted name: the part after the last `/` or `\`, control and
 * bidi characters removed, Windows-forbidden characters replaced, runs of dots collapsed, leading/trailing dots and spaces
 * trimmed, reserved device names prefixed, at most 180 UTF-8 bytes. `fallback` when nothing is left.
 */
export function sanitizeFileName(raw: string, fallback = 'message'): string {
  let s = raw.normalize('NFC');
  s = s.replace(CONTROL, '');
  const cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  if (cut >= 0) s = s.slice(cut + 1);
  s = s.replace(FORBIDDEN, '_').replace(/\.{2,}/g, '.');
  s = s.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  if (s === '' || s === '.' || s === '..') s = fallback;
  if (RESERVED.test(s)) s = `_${s}`;
  const { stem, ext } = splitExtension(s);
  const room = MAX_NAME_BYTES - Buffer.byteLength(ext, 'utf8');
  s = clipUtf8(stem, Math.max(16, room)) + (Buffer.byteLength(ext, 'utf8') < MAX_NAME_BYTES ? ext : '');
  return s === '' ? fallback : s;
}

/**
 * The value of `filename*=charset'lang'value` (RFC 5987), found with indexOf rather than a backtracking
 * pattern: linear in the header length whatever it holds.
 */
function extendedFileName(value: string): string | undefined {
  const lower = value.toLowerCase();
  let at = lower.indexOf('filename*');
  while (at >= 0) {
    let i = at + 'filename*'.length;
    while (value[i] === ' ' || value[i] === '\t') i++;
    if (value[i] === '=') {
      const end = value.indexOf(';', i);
      const v = value.slice(i + 1, end < 0 ? value.length : end).trim();
      const q1 = v.indexOf("'");
      const q2 = q1 < 0 ? -1 : v.indexOf("'", q1 + 1);
      if (q2 >= 0) {
        const raw = v.slice(q2 + 1);
        const sp = raw.search(/\s/);
        return sp < 0 ? raw : raw.slice(0, sp);
      }
    }
    at = lower.indexOf('filename*', at + 1);
  }
  return undefined;
}

/** `filename` / `filename*` of a Content-Disposition value (RFC 6266 / RFC 5987), or undefined. */
export function dispositionFileName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const star = extendedFileName(value);
  if (star !== undefined) {
    try {
      return decodeURIComponent(star);
    } catch {
      return star;
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/i.exec(value);
  if (plain === null) return undefined;
  const v = plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2];
  return v === '' ? undefined : v;
}

/**
 * Hands out names unique within one extraction run: `a.txt`, `a-2.txt`, `a-3.txt` ... The names taken are kept
 * as 53-bit hashes (12 bytes a name at most, for a capture of many thousands of files): a hash shared by two names
 * (one chance in 2^53 a pair) only makes the second take its next candidate; the folder itself (O_EXCL, a link
 * never made over a name) is what keeps any file from being overwritten.
 */
export class NameAllocator {
  private readonly used = new HashSet53();

  /** The `attempt`-th candidate for `name` (0 = the name itself). */
  static candidate(name: string, attempt: number): string {
    if (attempt === 0) return name;
    const partial = name.endsWith('.partial');
    const base = partial ? name.slice(0, -'.partial'.length) : name;
    const { stem, ext } = splitExtension(base);
    return `${stem}-${attempt + 1}${ext}${partial ? '.partial' : ''}`;
  }

  /** First candidate not used yet in this run (case-insensitively, for case-folding file systems). */
  next(name: string, from = 0): { name: string; attempt: number } {
    for (let i = from; ; i++) {
      const c = NameAllocator.candidate(name, i);
      if (!this.used.has(keyHash(c.toLowerCase()))) return { name: c, attempt: i };
    }
  }

  take(name: string): void {
    this.used.add(keyHash(name.toLowerCase()));
  }
}
