import type { RawHeader } from './types.js';
import { parseMsrpUriDetailed, type MsrpUri } from './uri.js';
import { lowerName } from './intern.js';

/** Byte-Range `start-end/total`; `*` is null. */
export interface ByteRange {
  start: number;
  end: number | null;
  total: number | null;
}

/** Status header of REPORT: `namespace SP code [SP comment]`. */
export interface StatusValue {
  namespace: number;
  code: number;
  comment: string;
}

/** Parameters as sent, in order, values unquoted (undefined when a parameter has no `=`). */
export type Params = [string, string | undefined][];

export interface ContentTypeValue {
  type: string;
  subtype: string;
  /** Lower-cased `type/subtype`. */
  mediaType: string;
  params: Params;
}

export interface ContentDispositionValue {
  /** Lower-cased disposition type (`inline`, `attachment`, `render` ...). */
  disposition: string;
  params: Params;
}

/** WWW-Authenticate / Authorization (scheme + params) and Authentication-Info (params only). */
export interface AuthValue {
  scheme: string | undefined;
  params: Params;
}

/** The headers RFC 4975 / 4976 / 7701 define, typed; anything else raw in `other`. */
export interface TypedHeaders {
  toPath: MsrpUri[] | undefined;
  fromPath: MsrpUri[] | undefined;
  usePath: MsrpUri[] | undefined;
  messageId: string | undefined;
  byteRange: ByteRange | undefined;
  successReport: 'yes' | 'no' | undefined;
  failureReport: 'yes' | 'no' | 'partial' | undefined;
  status: StatusValue | undefined;
  contentType: ContentTypeValue | undefined;
  contentId: string | undefined;
  contentDescription: string | undefined;
  contentDisposition: ContentDispositionValue | undefined;
  expires: number | undefined;
  minExpires: number | undefined;
  maxExpires: number | undefined;
  wwwAuthenticate: AuthValue | undefined;
  authorization: AuthValue | undefined;
  authenticationInfo: AuthValue | undefined;
  useNickname: string | undefined;
  /** Headers this module does not type, as sent. */
  other: RawHeader[];
}

export interface HeaderProblem {
  code: string;
  detail: string;
}

/** First value of a header, name compared case-insensitively. */
export function getHeader(headers: readonly RawHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

/** All values of a header, in order, name compared case-insensitively. */
export function getHeaders(headers: readonly RawHeader[], name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (const h of headers) if (h.name.toLowerCase() === lower) out.push(h.value);
  return out;
}

const IDENT = /^[A-Za-z0-9][A-Za-z0-9.\-+%=]{3,31}$/;
const DIGITS = /^\d{1,15}$/;
const STATUS = /^(\d{3}) (\d{3})(?: (.*))?$/;
const TOKEN_RE = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/** A read position in a string; each parse has its own, so the readers below are reentrant. */
interface Cursor {
  readonly s: string;
  i: number;
}

/** 1 to 15 ASCII digits at the cursor: their value, the cursor moved past them; -1 when absent or longer. */
function readDigits(c: Cursor): number {
  const { s } = c;
  const from = c.i;
  let i = from;
  let v = 0;
  while (i < s.length) {
    const ch = s.charCodeAt(i);
    if (ch < 0x30 || ch > 0x39) break;
    v = v * 10 + (ch - 0x30);
    i++;
  }
  if (i === from || i - from > 15) return -1;
  c.i = i;
  return v;
}

/** `\d{1,15}` or `*` at the cursor: the value (null for `*`), the cursor moved past it; -1 when absent. */
function readValue(c: Cursor): number | null {
  if (c.s.charCodeAt(c.i) !== 0x2a) return readDigits(c);
  c.i++;
  return null;
}

/** Whether the character at the cursor is `code`; the cursor moves past it when it is. */
function readChar(c: Cursor, code: number): boolean {
  if (c.s.charCodeAt(c.i) !== code) return false;
  c.i++;
  return true;
}

/** Byte-Range `start-end/total`: /^(\d{1,15})-(\d{1,15}|\*)\/(\d{1,15}|\*)$/ after trimming, matched without a RegExp. */
export function parseByteRange(v: string): ByteRange | undefined {
  const c: Cursor = { s: v.trim(), i: 0 };
  const start = readDigits(c);
  if (start < 0 || !readChar(c, 0x2d)) return undefined;
  const end = readValue(c);
  if (end === -1 || !readChar(c, 0x2f)) return undefined;
  const total = readValue(c);
  if (total === -1 || c.i !== c.s.length) return undefined;
  return { start, end, total };
}

export function parseStatus(v: string): StatusValue | undefined {
  const m = STATUS.exec(v.trim());
  if (!m) return undefined;
  return { namespace: Number(m[1]), code: Number(m[2]), comment: m[3] ?? '' };
}

/** Splits `a; b="x;y"; c` on unquoted `sep`, trimming pieces. */
function splitUnquoted(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      cur += c;
      if (c === '\\' && i + 1 < s.length) cur += s[++i]!;
      else if (c === '"') q = false;
    } else if (c === '"') {
      q = true;
      cur += c;
    } else if (c === sep) {
      out.push(cur.trim());
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur.trim());
  return out;
}

/** Removes quotes and backslash escapes of a quoted-string; other text is returned trimmed. */
export function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

function parseParams(pieces: string[]): Params | undefined {
  const out: Params = [];
  for (const p of pieces) {
    if (p === '') continue;
    const eq = p.indexOf('=');
    const name = (eq === -1 ? p : p.slice(0, eq)).trim();
    if (!TOKEN_RE.test(name)) return undefined;
    out.push([name, eq === -1 ? undefined : unquote(p.slice(eq + 1))]);
  }
  return out;
}

export function parseContentType(v: string): ContentTypeValue | undefined {
  const pieces = splitUnquoted(v, ';');
  const mt = pieces[0]!;
  const slash = mt.indexOf('/');
  if (slash === -1) return undefined;
  const type = mt.slice(0, slash).trim();
  const subtype = mt.slice(slash + 1).trim();
  if (!TOKEN_RE.test(type) || !TOKEN_RE.test(subtype)) return undefined;
  const params = parseParams(pieces.slice(1));
  if (!params) return undefined;
  return { type, subtype, mediaType: `${type}/${subtype}`.toLowerCase(), params };
}

/** Content-Type values repeat: parsed values are cached (bounded) and frozen, like parsed paths. */
const CONTENT_TYPE_CACHE = new Map<string, ContentTypeValue | undefined>();
const CONTENT_TYPE_CACHE_MAX = 256;

function contentTypeOf(v: string): ContentTypeValue | undefined {
  if (CONTENT_TYPE_CACHE.has(v)) return CONTENT_TYPE_CACHE.get(v);
  const ct = parseContentType(v);
  if (ct !== undefined) {
    for (const p of ct.params) Object.freeze(p);
    Object.freeze(ct.params);
    Object.freeze(ct);
  }
  if (CONTENT_TYPE_CACHE.size >= CONTENT_TYPE_CACHE_MAX) CONTENT_TYPE_CACHE.clear();
  CONTENT_TYPE_CACHE.set(v, ct);
  return ct;
}

function parseDisposition(v: string): ContentDispositionValue | undefined {
  const pieces = splitUnquoted(v, ';');
  const d = pieces[0]!;
  if (!TOKEN_RE.test(d)) return undefined;
  const params = parseParams(pieces.slice(1));
  if (!params) return undefined;
  return { disposition: d.toLowerCase(), params };
}

/** `Digest realm="x", nonce="y"` (withScheme) or `nextnonce="y", qop=auth` (Authentication-Info). */
export function parseAuth(v: string, withScheme: boolean): AuthValue | undefined {
  let rest = v.trim();
  let scheme: string | undefined;
  if (withScheme) {
    const m = /^([A-Za-z0-9!#$%&'*+\-.^_`|~]+)(?:\s+|$)/.exec(rest);
    if (!m) return undefined;
    scheme = m[1];
    rest = rest.slice(m[0].length);
  }
  const params = parseParams(splitUnquoted(rest, ','));
  if (!params) return undefined;
  return { scheme, params };
}

type PathResult = { uris: MsrpUri[] } | { error: string };

/**
 * Path values repeat for every message of a session, so parsed paths are cached (bounded; the cache is
 * emptied when full). Cached URIs are frozen: typed values are shared and read-only.
 */
const PATH_CACHE = new Map<string, PathResult>();
const PATH_CACHE_MAX = 1024;

function parsePath(v: string): PathResult {
  let r = PATH_CACHE.get(v);
  if (r === undefined) {
    r = parsePathUncached(v);
    if ('uris' in r) {
      for (const u of r.uris) {
        for (const p of u.params) Object.freeze(p);
        Object.freeze(u.params);
        Object.freeze(u);
      }
      Object.freeze(r.uris);
    }
    if (PATH_CACHE.size >= PATH_CACHE_MAX) PATH_CACHE.clear();
    PATH_CACHE.set(v, r);
  }
  return r;
}

function parsePathUncached(v: string): PathResult {
  const parts = v.trim().split(/[ \t\r\n]+/).filter((p) => p !== '');
  if (parts.length === 0) return { error: 'empty path' };
  const uris: MsrpUri[] = [];
  for (const p of parts) {
    const r = parseMsrpUriDetailed(p);
    if ('error' in r) return { error: `"${p.slice(0, 80)}": ${r.error}` };
    uris.push(r.uri);
  }
  return { uris };
}

/** Lower-cased names of the headers typed here; each may appear once. */
export const SINGLE_HEADERS: ReadonlySet<string> = new Set([
  'to-path', 'from-path', 'use-path', 'message-id', 'byte-range', 'success-report', 'failure-report',
  'status', 'content-type', 'content-id', 'content-description', 'content-disposition', 'expires',
  'min-expires', 'max-expires', 'www-authenticate', 'authorization', 'authentication-info', 'use-nickname',
]);

/** One bit per name of SINGLE_HEADERS (to spot repeats without a Set per message). */
const SINGLE_BIT: ReadonlyMap<string, number> = new Map([...SINGLE_HEADERS].map((n, i) => [n, 1 << i]));

function emptyTyped(): TypedHeaders {
  return {
    toPath: undefined, fromPath: undefined, usePath: undefined, messageId: undefined, byteRange: undefined,
    successReport: undefined, failureReport: undefined, status: undefined, contentType: undefined,
    contentId: undefined, contentDescription: undefined, contentDisposition: undefined, expires: undefined,
    minExpires: undefined, maxExpires: undefined, wwwAuthenticate: undefined, authorization: undefined,
    authenticationInfo: undefined, useNickname: undefined, other: [],
  };
}

/**
 * Types the headers of one message. Names are compared case-insensitively; the first of duplicated
 * single headers wins (`duplicate-header`). Values that do not parse are left undefined with a problem
 * (`invalid-uri`, `byte-range-invalid`, `invalid-failure-report`, `invalid-success-report`,
 * `invalid-header-value`). Never throws.
 */
export function parseTypedHeaders(headers: readonly RawHeader[]): { values: TypedHeaders; diagnostics: HeaderProblem[] } {
  const t = emptyTyped();
  const problems: HeaderProblem[] = [];
  let seen = 0;
  const bad = (code: string, h: RawHeader, why: string) => {
    problems.push({ code, detail: `${h.name.slice(0, 40)}: ${why}` });
  };
  for (const h of headers) {
    const name = lowerName(h.name);
    const bit = SINGLE_BIT.get(name);
    if (bit !== undefined) {
      if ((seen & bit) !== 0) {
        bad('duplicate-header', h, 'appears more than once; the first is used');
        continue;
      }
      seen |= bit;
    }
    const v = h.value;
    switch (name) {
      case 'to-path':
      case 'from-path':
      case 'use-path': {
        const r = parsePath(v);
        if ('error' in r) {
          bad('invalid-uri', h, r.error);
        } else if (name === 'to-path') t.toPath = r.uris;
        else if (name === 'from-path') t.fromPath = r.uris;
        else t.usePath = r.uris;
        break;
      }
      case 'message-id':
        if (IDENT.test(v)) t.messageId = v;
        else {
          bad('invalid-header-value', h, 'not 4 to 32 characters of ALPHANUM and ".-+%="');
          if (v !== '') t.messageId = v;
        }
        break;
      case 'byte-range': {
        const br = parseByteRange(v);
        if (!br) bad('byte-range-invalid', h, 'not "start-end/total"');
        else if (br.start < 1) bad('byte-range-invalid', h, 'start is below 1');
        else if (br.end !== null && br.end < br.start - 1) bad('byte-range-invalid', h, 'end is before start');
        else if (br.total !== null && br.start > br.total + 1) bad('byte-range-invalid', h, 'start is past total');
        if (br) t.byteRange = br;
        break;
      }
      case 'success-report': {
        const l = v.toLowerCase();
        if (l === 'yes' || l === 'no') t.successReport = l;
        else bad('invalid-success-report', h, 'neither yes nor no');
        break;
      }
      case 'failure-report': {
        const l = v.toLowerCase();
        if (l === 'yes' || l === 'no' || l === 'partial') t.failureReport = l;
        else bad('invalid-failure-report', h, 'not yes, no or partial');
        break;
      }
      case 'status': {
        const s = parseStatus(v);
        if (s) t.status = s;
        else bad('invalid-header-value', h, 'not "namespace code [comment]"');
        break;
      }
      case 'content-type': {
        const ct = contentTypeOf(v);
        if (ct) t.contentType = ct;
        else bad('invalid-header-value', h, 'not "type/subtype *(;param)"');
        break;
      }
      case 'content-id':
        t.contentId = v;
        break;
      case 'content-description':
        t.contentDescription = v;
        break;
      case 'content-disposition': {
        const cd = parseDisposition(v);
        if (cd) t.contentDisposition = cd;
        else bad('invalid-header-value', h, 'not "type *(;param)"');
        break;
      }
      case 'expires':
      case 'min-expires':
      case 'max-expires': {
        if (!DIGITS.test(v)) {
          bad('invalid-header-value', h, 'not a number of seconds');
          break;
        }
        const n = Number(v);
        if (name === 'expires') t.expires = n;
        else if (name === 'min-expires') t.minExpires = n;
        else t.maxExpires = n;
        break;
      }
      case 'www-authenticate':
      case 'authorization':
      case 'authentication-info': {
        const a = parseAuth(v, name !== 'authentication-info');
        if (!a) bad('invalid-header-value', h, 'not a credentials/challenge parameter list');
        else if (name === 'www-authenticate') t.wwwAuthenticate = a;
        else if (name === 'authorization') t.authorization = a;
        else t.authenticationInfo = a;
        break;
      }
      case 'use-nickname':
        t.useNickname = unquote(v);
        break;
      default:
        t.other.push(h);
    }
  }
  return { values: t, diagnostics: problems };
}

/** Value of a parameter in a [name, value] list, name compared case-insensitively. */
export function paramValue(params: Params, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [n, v] of params) if (n.toLowerCase() === lower) return v;
  return undefined;
}
