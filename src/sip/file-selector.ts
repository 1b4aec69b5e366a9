/** RFC 5547 file transfer attributes: a=file-selector, a=file-date, a=file-range. */
import { readQuoted } from './text.js';

export interface FileHash {
  /** Hash algorithm, lower-cased (e.g. `sha-1`). */
  algorithm: string;
  /** Hash value as lower-case hex without colons. */
  hex: string;
}

export interface FileSelector {
  /** File name with quotes removed and escapes / percent-encoding undone. */
  name: string | undefined;
  /** Content type as sent (e.g. `application/pdf`, may carry parameters). */
  type: string | undefined;
  size: number | undefined;
  hash: FileHash | undefined;
  /** Every selector in order as [key, value] (value unquoted), unknown ones included. */
  selectors: Array<[key: string, value: string]>;
  /** Problems found (unterminated name, bad size or hash); empty when the value parsed cleanly. */
  problems: string[];
}

export interface FileDate {
  /** [kind, date] pairs in order, e.g. ['creation', 'Wed, 25 Nov 2026 09:00:00 +0000']. */
  dates: Array<[kind: string, date: string]>;
}

export interface FileRange {
  start: number;
  /** undefined for `*` (unknown end). */
  stop: number | undefined;
}

function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Splits `key:value key:"quoted value" ...` into pairs; quoted values may contain spaces and \" escapes. */
function selectorPairs(value: string, problems: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
    if (i >= n) break;
    let j = i;
    while (j < n && value[j] !== ':' && value[j] !== ' ' && value[j] !== '\t') j++;
    const key = value.slice(i, j);
    if (j >= n || value[j] !== ':') {
      problems.push(`selector "${key}" has no value`);
      i = j;
      continue;
    }
    let k = j + 1;
    if (value[k] === '"') {
      const q = readQuoted(value, k);
      if (!q.closed) problems.push(`unterminated quoted ${key}`);
      out.push([key, q.text]);
      i = q.end;
      continue;
    }
    let quoted = false;
    while (k < n) {
      const ch = value[k];
      if (ch === '"') quoted = !quoted;
      else if (!quoted && (ch === ' ' || ch === '\t')) break;
      k++;
    }
    out.push([key, value.slice(j + 1, k)]);
    i = k;
  }
  return out;
}

/** Parses `hash:sha-1:7D:CB:...` style values (the part after `hash:`). */
export function parseFileHash(value: string): FileHash | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0) return undefined;
  const algorithm = value.slice(0, colon).toLowerCase();
  const rest = value.slice(colon + 1);
  if (!/^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})*$/.test(rest)) return undefined;
  return { algorithm, hex: rest.replace(/:/g, '').toLowerCase() };
}

/** Parses the value of a=file-selector. Never throws. */
export function parseFileSelector(value: string): FileSelector {
  const problems: string[] = [];
  const selectors = selectorPairs(value, problems);
  const fs: FileSelector = { name: undefined, type: undefined, size: undefined, hash: undefined, selectors, problems };
  for (const [key, v] of selectors) {
    switch (key.toLowerCase()) {
      case 'name':
        fs.name = percentDecode(v);
        break;
      case 'type':
        fs.type = v;
        break;
      case 'size':
        if (/^\d{1,15}$/.test(v)) fs.size = Number(v);
        else problems.push(`bad size "${v}"`);
        break;
      case 'hash': {
        const h = parseFileHash(v);
        if (h) fs.hash = h;
        else problems.push(`bad hash "${v}"`);
        break;
      }
      default:
        break;
    }
  }
  return fs;
}

/** Parses a=file-date (`creation:"date" modification:"date" read:"date"`). */
export function parseFileDate(value: string): FileDate {
  return { dates: selectorPairs(value, []) };
}

/** Parses a=file-range (`1-*`, `1-15001`); undefined when malformed. */
export function parseFileRange(value: string): FileRange | undefined {
  const m = /^\s*(\d{1,15})-(\d{1,15}|\*)\s*$/.exec(value);
  if (!m) return undefined;
  return { start: Number(m[1]), stop: m[2] === '*' ? undefined : Number(m[2]) };
}
