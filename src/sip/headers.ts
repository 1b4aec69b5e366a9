/**
 * SIP header names: compact forms (RFC 3261 §7.3.3 and extensions registered with IANA) and case-insensitive
 * lookup over the ordered [name, value] list. Header names are never used as keys of plain objects.
 */

/** One header as sent: [name with its original case, value with folding undone and ends trimmed]. */
export type SipHeader = [name: string, value: string];

const COMPACT = new Map<string, string>([
  ['i', 'call-id'],
  ['f', 'from'],
  ['t', 'to'],
  ['v', 'via'],
  ['c', 'content-type'],
  ['l', 'content-length'],
  ['m', 'contact'],
  ['k', 'supported'],
  ['s', 'subject'],
  ['e', 'content-encoding'],
  ['o', 'event'],
  ['r', 'refer-to'],
  ['b', 'referred-by'],
  ['u', 'allow-events'],
  ['x', 'session-expires'],
  ['a', 'accept-contact'],
  ['j', 'reject-contact'],
  ['d', 'request-disposition'],
  ['y', 'identity'],
  ['n', 'identity-info'],
]);

/** Lower-case long form of a header name (`i` → `call-id`, `Call-ID` → `call-id`). */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT.get(lower) ?? lower;
}

/** Value of the first header called `name` (long or compact form, any case), or undefined. */
export function headerValue(headers: readonly SipHeader[], name: string): string | undefined {
  const want = canonicalHeaderName(name);
  for (const [n, v] of headers) if (canonicalHeaderName(n) === want) return v;
  return undefined;
}

/** Values of every header called `name`, in order. */
export function headerValues(headers: readonly SipHeader[], name: string): string[] {
  const want = canonicalHeaderName(name);
  const out: string[] = [];
  for (const [n, v] of headers) if (canonicalHeaderName(n) === want) out.push(v);
  return out;
}

/** True when `name` is a syntactically valid header name (an RFC 3261 token). */
export function isHeaderName(name: string): boolean {
  return /^[A-Za-z0-9\-.!%*_+`'~]+$/.test(name);
}
