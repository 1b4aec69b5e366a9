/** From / To / Contact values (`"Display" <uri>;tag=x`, `<uri>;p`, `uri;tag=x`) and CSeq. */
import { readQuoted } from './text.js';

export interface NameAddr {
  /** Display name without quotes (escapes undone), or undefined when absent. */
  display: string | undefined;
  /** The URI as sent (without angle brackets). */
  uri: string;
  /** The `tag` header parameter, or undefined. */
  tag: string | undefined;
  /** Header parameters in order as [name, value] (value undefined for a bare flag). */
  params: Array<[name: string, value: string | undefined]>;
}

export interface CSeq {
  seq: number;
  method: string;
}

/** Parses `name;a=b;c` parameter text (leading `;` optional). Quoted values keep their content. */
export function parseParams(s: string): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === ';' || s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= s.length) break;
    let j = i;
    while (j < s.length && s[j] !== '=' && s[j] !== ';') j++;
    const name = s.slice(i, j).trim();
    if (j < s.length && s[j] === '=') {
      let k = j + 1;
      while (k < s.length && (s[k] === ' ' || s[k] === '\t')) k++;
      if (s[k] === '"') {
        const q = readQuoted(s, k);
        if (name !== '') out.push([name, q.text]);
        i = q.end;
        while (i < s.length && s[i] !== ';') i++;
      } else {
        let e = k;
        while (e < s.length && s[e] !== ';') e++;
        if (name !== '') out.push([name, s.slice(k, e).trim()]);
        i = e;
      }
    } else {
      if (name !== '') out.push([name, undefined]);
      i = j;
    }
  }
  return out;
}

/** Parses a name-addr or addr-spec header value; undefined when no URI can be found. */
export function parseNameAddr(value: string): NameAddr | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  let display: string | undefined;
  let rest = v;
  if (v[0] === '"') {
    const q = readQuoted(v, 0);
    display = q.text;
    rest = v.slice(q.end);
  }
  const lt = rest.indexOf('<');
  if (lt >= 0) {
    const gt = rest.indexOf('>', lt + 1);
    if (gt < 0) return undefined;
    if (display === undefined) {
      const d = rest.slice(0, lt).trim();
      if (d !== '') display = d;
    }
    const uri = rest.slice(lt + 1, gt).trim();
    const params = parseParams(rest.slice(gt + 1));
    return { display, uri, tag: tagOf(params), params };
  }
  if (display !== undefined) return undefined; // a quoted display name must be followed by <uri>
  const semi = rest.indexOf(';');
  const uri = (semi >= 0 ? rest.slice(0, semi) : rest).trim();
  if (uri === '') return undefined;
  const params = semi >= 0 ? parseParams(rest.slice(semi)) : [];
  return { display: undefined, uri, tag: tagOf(params), params };
}

function tagOf(params: ReadonlyArray<[string, string | undefined]>): string | undefined {
  for (const [n, val] of params) if (n.toLowerCase() === 'tag') return val;
  return undefined;
}

/** Parses `CSeq: 314159 INVITE`; undefined when malformed (RFC 3261: sequence number < 2**31). */
export function parseCSeq(value: string): CSeq | undefined {
  const m = /^\s*(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)\s*$/.exec(value);
  if (!m) return undefined;
  const seq = Number(m[1]);
  if (seq > 0xffffffff) return undefined;
  return { seq, method: m[2] as string };
}
