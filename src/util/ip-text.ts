/**
 * Whether a text is an IP address, as node:net's isIPv4 and isIPv6 decide (test/util/ip-text.test.ts compares
 * them on random texts). Loading node:net for them cost about 1.5 ms of a small capture's start when the output
 * goes to a file (a pipe or a terminal loads it anyway).
 */

const DIGIT0 = 0x30;
const DIGIT9 = 0x39;

/** A dotted-quad: four decimal parts 0-255, without leading zeros. */
export function isIPv4Text(s: string): boolean {
  if (s.length < 7 || s.length > 15) return false;
  let parts = 0;
  let i = 0;
  while (i <= s.length) {
    const start = i;
    let value = 0;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c < DIGIT0 || c > DIGIT9) break;
      value = value * 10 + (c - DIGIT0);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || value > 255 || (len > 1 && s.charCodeAt(start) === DIGIT0)) return false;
    parts++;
    if (i === s.length) return parts === 4;
    if (s.charCodeAt(i) !== 0x2e || parts === 4) return false;
    i++;
  }
  return false;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const ZONE = /^[0-9a-zA-Z\-.:]+$/;

/** Groups of 1-4 hex digits, the last of them possibly a dotted-quad (counted as two): how many, or -1. */
function groupCount(text: string, lastMayBeV4: boolean): number {
  if (text === '') return 0;
  const groups = text.split(':');
  let n = 0;
  for (let k = 0; k < groups.length; k++) {
    const g = groups[k]!;
    if (HEX_GROUP.test(g)) n++;
    else if (lastMayBeV4 && k === groups.length - 1 && isIPv4Text(g)) n += 2;
    else return -1;
  }
  return n;
}

/**
 * Eight groups, or fewer with one `::` standing for the rest (node accepts `::` for no group at all too, as in
 * `1:2:3:4:5:6:7::`); the last 32 bits may be written as a dotted-quad; a zone (`%eth0`) may follow.
 */
export function isIPv6Text(s: string): boolean {
  const pct = s.indexOf('%');
  if (pct !== -1 && !ZONE.test(s.slice(pct + 1))) return false;
  const addr = pct === -1 ? s : s.slice(0, pct);
  const gap = addr.indexOf('::');
  if (gap === -1) return groupCount(addr, true) === 8;
  if (addr.indexOf('::', gap + 1) !== -1) return false;
  const left = groupCount(addr.slice(0, gap), false);
  const right = groupCount(addr.slice(gap + 2), true);
  return left >= 0 && right >= 0 && left + right <= 7;
}
