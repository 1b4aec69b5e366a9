/**
 * Textual IP addresses: dotted IPv4 and RFC 5952 IPv6 (lowercase hex, leading zeros dropped, the longest run
 * of two or more zero groups — the first one on a tie — written as `::`, IPv4-mapped as `::ffff:a.b.c.d`).
 * Formatting is cached (bounded maps), so a capture with few hosts formats each address once.
 */

const CACHE_LIMIT = 4096;

const v4Cache = new Map<number, string>();
const v6Cache = new Map<string, string>();

/** Dotted form of the IPv4 address in d[off..off+4). The caller has checked the bounds. */
export function formatIPv4(d: Buffer, off: number): string {
  const key = ((d[off]! << 24) | (d[off + 1]! << 16) | (d[off + 2]! << 8) | d[off + 3]!) >>> 0;
  let s = v4Cache.get(key);
  if (s === undefined) {
    s = `${d[off]!}.${d[off + 1]!}.${d[off + 2]!}.${d[off + 3]!}`;
    if (v4Cache.size >= CACHE_LIMIT) v4Cache.clear();
    v4Cache.set(key, s);
  }
  return s;
}

/** RFC 5952 form of the IPv6 address in d[off..off+16). The caller has checked the bounds. */
export function formatIPv6(d: Buffer, off: number): string {
  const key = d.toString('latin1', off, off + 16);
  let s = v6Cache.get(key);
  if (s === undefined) {
    s = formatIPv6Uncached(d, off);
    if (v6Cache.size >= CACHE_LIMIT) v6Cache.clear();
    v6Cache.set(key, s);
  }
  return s;
}

function formatIPv6Uncached(d: Buffer, off: number): string {
  const g: number[] = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (d[off + 2 * i]! << 8) | d[off + 2 * i + 1]!;
  // IPv4-mapped ::ffff:a.b.c.d
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${d[off + 12]!}.${d[off + 13]!}.${d[off + 14]!}.${d[off + 15]!}`;
  }
  // Longest run of zero groups (length >= 2), first on a tie.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}

/** Parses dotted IPv4 into 4 bytes, or undefined when it is not one. */
export function parseIPv4(s: string): Buffer | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = Buffer.alloc(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

/** Parses any textual IPv6 form (with `::` and a trailing dotted IPv4) into 16 bytes, or undefined. */
export function parseIPv6(s: string): Buffer | undefined {
  let text = s;
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const pct = text.indexOf('%');
  if (pct >= 0) text = text.slice(0, pct);
  let tailV4: Buffer | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) >= 0) {
    tailV4 = parseIPv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseGroups = (t: string): number[] | undefined => {
    if (t === '') return [];
    const out: number[] = [];
    for (const p of t.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      out.push(parseInt(p, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const a = parseGroups(text.slice(0, dbl));
    const b = parseGroups(text.slice(dbl + 2));
    if (a === undefined || b === undefined || a.length + b.length > 7) return undefined;
    groups = [...a, ...new Array<number>(8 - a.length - b.length).fill(0), ...b];
  } else {
    const a = parseGroups(text);
    if (a === undefined || a.length !== 8) return undefined;
    groups = a;
  }
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(groups[i]!, 2 * i);
  if (tailV4 !== undefined) out.set(tailV4, 12);
  return out;
}

/** Normalises any textual IPv4/IPv6 address to the form the decoder produces, or undefined if invalid. */
export function canonicalAddress(s: string): string | undefined {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return formatIPv4(v4, 0);
  const v6 = parseIPv6(s);
  if (v6 !== undefined) return formatIPv6(v6, 0);
  return undefined;
}
