/** message/cpim (RFC 3862) envelope decoding, from the bounded body preview the store keeps. */

import { ownString } from './strings.js';

export interface CpimHeader {
  name: string;
  value: string;
}

export interface CpimEnvelope {
  from: string | undefined;
  to: readonly string[];
  cc: readonly string[];
  dateTime: string | undefined;
  subject: readonly string[];
  /** NS declarations: prefix and namespace URI. */
  ns: ReadonlyArray<{ prefix: string; uri: string }>;
  /** imdn.Message-ID (RFC 5438), under whatever prefix the NS header gave urn:ietf:params:imdn. */
  imdnMessageId: string | undefined;
  /** imdn.Disposition-Notification, e.g. "positive-delivery, display". */
  imdnDisposition: string | undefined;
  /** Every envelope header in order (bounded). */
  headers: readonly CpimHeader[];
  /** Content-Type of the encapsulated MIME object. */
  contentType: string | undefined;
  contentHeaders: readonly CpimHeader[];
  /** The encapsulated body, as far as the preview reaches. */
  body: Buffer;
  /** True when the preview ended before the body did. */
  bodyTruncated: boolean;
}

const MAX_HEADERS = 64;
const NONE: readonly never[] = Object.freeze([]);

/**
 * `list` in an array of exactly its length (one grown by push keeps spare room for 17 or more), or the
 * shared empty array: a kept envelope holds no empty arrays or spare capacity of its own.
 */
function compact<T>(list: T[]): readonly T[] {
  return list.length === 0 ? NONE : list.slice();
}

/** Header names repeat on every message (From, To, NS, DateTime, imdn.Message-ID): kept once each. */
const NAMES = new Map<string, string>();
const MAX_NAMES = 256;

function headerName(s: string): string {
  const hit = NAMES.get(s);
  if (hit !== undefined) return hit;
  const own = ownString(s);
  if (NAMES.size < MAX_NAMES) NAMES.set(own, own);
  return own;
}
/**
 * Headers and lists repeat from message to message (the From, To and Content-Type of one conversation): each
 * distinct one is kept once and shared by the envelopes (which never modify them). Values unique to a message
 * (DateTime, a Message-ID) are not entered. Bounded: past MAX_SHARED entries the tables start over.
 */
const SHARED_HEADERS = new Map<string, CpimHeader>();
const SHARED_LISTS = new Map<string, readonly unknown[]>();
const MAX_SHARED = 4096;

function uniqueValue(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'datetime' || n.endsWith('.message-id');
}

function shareHeader(h: CpimHeader): CpimHeader {
  if (uniqueValue(h.name)) return h;
  const key = `${h.name}\u0000${h.value}`;
  const hit = SHARED_HEADERS.get(key);
  if (hit !== undefined) return hit;
  if (SHARED_HEADERS.size >= MAX_SHARED) SHARED_HEADERS.clear();
  SHARED_HEADERS.set(key, h);
  return h;
}

/** `list` kept once among equal lists; `key` is its text (undefined: not shared). */
function shareList<T>(list: readonly T[], key: string | undefined): readonly T[] {
  if (list.length === 0 || key === undefined) return list;
  const hit = SHARED_LISTS.get(key);
  if (hit !== undefined) return hit as readonly T[];
  if (SHARED_LISTS.size >= MAX_SHARED) SHARED_LISTS.clear();
  SHARED_LISTS.set(key, list);
  return list;
}

/** A header list with its headers shared, and the list too when none of its values is unique. */
function sharedHeaders(list: CpimHeader[]): readonly CpimHeader[] {
  if (list.length === 0) return NONE;
  const shared = list.map(shareHeader);
  const key = shared.some((h) => uniqueValue(h.name)) ? undefined : `h\u0001${shared.map((h) => `${h.name}\u0000${h.value}`).join('\u0001')}`;
  return shareList(shared, key);
}

/** A list of strings kept once among equal lists. */
function sharedStrings(list: string[]): readonly string[] {
  return list.length === 0 ? NONE : shareList(list, `s\u0001${list.join('\u0001')}`);
}

const MAX_VALUE = 1024;
const IMDN_NS = 'urn:ietf:params:imdn';

/** Index just past the blank line ending a header block at `from`, and the block's end; -1 if none. */
function headerBlockEnd(b: Buffer, from: number): { end: number; next: number } | undefined {
  const crlf = b.indexOf('\r\n\r\n', from);
  const lf = b.indexOf('\n\n', from);
  if (crlf < 0 && lf < 0) return undefined;
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { end: crlf, next: crlf + 4 };
  return { end: lf, next: lf + 2 };
}

function parseHeaderLines(text: string): CpimHeader[] {
  const out: CpimHeader[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0) continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) {
      const prev = out[out.length - 1] as CpimHeader;
      prev.value = ownString(`${prev.value} ${line.trim()}`.slice(0, MAX_VALUE));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (out.length >= MAX_HEADERS) break;
    // Values copied flat: a slice would keep the whole header block's text alive with the message.
    out.push({ name: headerName(line.slice(0, colon).trim()), value: ownString(line.slice(colon + 1).trim().slice(0, MAX_VALUE)) });
  }
  return out;
}

/**
 * Decodes a CPIM message from `data` (which may be a prefix of the body: `complete` tells). `lists` false: the
 * single values only (From, DateTime, the imdn headers, the content's type and body), every list empty
 * (headers, To, Cc, Subject, NS, content headers): for a model that keeps no lists (CorrelatorOptions.keepPreviews
 * false drops them), so that they are neither shared nor made.
 */
export function decodeCpim(data: Buffer, complete: boolean, lists = true): CpimEnvelope | undefined {
  const envEnd = headerBlockEnd(data, 0);
  const envText = data.subarray(0, envEnd === undefined ? data.length : envEnd.end).toString('utf8');
  const parsed = parseHeaderLines(envText);
  const headers = lists ? sharedHeaders(parsed) : parsed;
  if (headers.length === 0) return undefined;
  const env: CpimEnvelope = {
    from: undefined,
    to: NONE,
    cc: NONE,
    dateTime: undefined,
    subject: NONE,
    ns: NONE,
    imdnMessageId: undefined,
    imdnDisposition: undefined,
    headers: lists ? headers : NONE,
    contentType: undefined,
    contentHeaders: NONE,
    body: Buffer.alloc(0),
    bodyTruncated: !complete,
  };
  const ns: Array<{ prefix: string; uri: string }> = [];
  const to: string[] = [];
  const cc: string[] = [];
  const subject: string[] = [];
  for (const h of headers) {
    if (h.name.toLowerCase() !== 'ns') continue;
    const m = /^\s*([^\s<]*)\s*<([^>]*)>/.exec(h.value);
    if (m !== null) ns.push({ prefix: ownString(m[1] ?? ''), uri: ownString(m[2] ?? '') });
  }
  if (lists) env.ns = compact(ns);
  const imdnPrefixes = ns.filter((n) => n.uri.toLowerCase() === IMDN_NS).map((n) => n.prefix.toLowerCase());
  if (imdnPrefixes.length === 0) imdnPrefixes.push('imdn');
  for (const h of headers) {
    const name = h.name.toLowerCase();
    const dot = name.indexOf('.');
    if (dot > 0) {
      const prefix = name.slice(0, dot);
      const local = name.slice(dot + 1);
      if (imdnPrefixes.includes(prefix)) {
        if (local === 'message-id') env.imdnMessageId ??= h.value;
        else if (local === 'disposition-notification') env.imdnDisposition ??= h.value;
      }
      continue;
    }
    switch (name) {
      case 'from':
        env.from ??= h.value;
        break;
      case 'to':
        if (lists) to.push(h.value);
        break;
      case 'cc':
        if (lists) cc.push(h.value);
        break;
      case 'datetime':
        env.dateTime ??= h.value;
        break;
      case 'subject':
        if (lists) subject.push(h.value);
        break;
      default:
        break;
    }
  }
  env.to = sharedStrings(to);
  env.cc = sharedStrings(cc);
  env.subject = sharedStrings(subject);
  if (envEnd === undefined) return env;
  const mimeEnd = headerBlockEnd(data, envEnd.next);
  const mimeText = data.subarray(envEnd.next, mimeEnd === undefined ? data.length : mimeEnd.end).toString('utf8');
  const content = parseHeaderLines(mimeText);
  for (const h of content) if (h.name.toLowerCase() === 'content-type') env.contentType ??= h.value;
  if (lists) env.contentHeaders = sharedHeaders(content);
  if (mimeEnd !== undefined) env.body = data.subarray(mimeEnd.next);
  else env.bodyTruncated = true;
  return env;
}
