/**
 * A small, bounded DER walk of an X.509 certificate (RFC 5280 section 4.1) to its issuer and subject Names,
 * rendered as 'CN=..., O=...' from the CN, OU, O and C attributes. Every length is checked against its
 * enclosing element; anything unexpected gives undefined.
 */
import { escapeText } from '../util/escape.js';

interface Tlv {
  tag: number;
  /** Content start and end. */
  start: number;
  end: number;
}

/** Reads one TLV at p within [p, end). Definite lengths of up to 4 bytes only (DER). */
function tlv(b: Buffer, p: number, end: number): Tlv | undefined {
  if (p + 2 > end) return undefined;
  const tag = b[p]!;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers do not occur in these structures
  let len = b[p + 1]!;
  let q = p + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || q + n > end) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[q + i]!;
    q += n;
  }
  if (q + len > end) return undefined;
  return { tag, start: q, end: q + len };
}

const SEQUENCE = 0x30;
const SET = 0x31;
const OID = 0x06;

/** Attribute OIDs 2.5.4.x (content bytes 55 04 x) that are shown, with their labels. */
const LABELS = new Map<number, string>([
  [3, 'CN'],
  [11, 'OU'],
  [10, 'O'],
  [6, 'C'],
]);

const MAX_RDNS = 32;
const MAX_VALUE = 256;

function stringValue(b: Buffer, v: Tlv): string | undefined {
  const raw = b.subarray(v.start, Math.min(v.end, v.start + MAX_VALUE * 2));
  switch (v.tag) {
    case 0x0c: // UTF8String
      return raw.toString('utf8');
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // TeletexString (taken as Latin-1)
      return raw.toString('latin1');
    case 0x1e: {
      // BMPString: UCS-2 big-endian
      const even = raw.subarray(0, raw.length & ~1);
      const swapped = Buffer.from(even);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    default:
      return undefined;
  }
}

/** Renders a Name (SEQUENCE OF SET OF AttributeTypeAndValue) at `name`. */
function renderName(b: Buffer, name: Tlv): string | undefined {
  if (name.tag !== SEQUENCE) return undefined;
  const parts: string[] = [];
  let p = name.start;
  let rdns = 0;
  while (p < name.end && rdns++ < MAX_RDNS) {
    const set = tlv(b, p, name.end);
    if (set === undefined || set.tag !== SET) return undefined;
    let q = set.start;
    while (q < set.end) {
      const atv = tlv(b, q, set.end);
      if (atv === undefined || atv.tag !== SEQUENCE) return undefined;
      const oid = tlv(b, atv.start, atv.end);
      if (oid === undefined || oid.tag !== OID) return undefined;
      const value = tlv(b, oid.end, atv.end);
      if (value === undefined) return undefined;
      if (oid.end - oid.start === 3 && b[oid.start] === 0x55 && b[oid.start + 1] === 0x04) {
        const label = LABELS.get(b[oid.start + 2]!);
        const text = label === undefined ? undefined : stringValue(b, value);
        if (label !== undefined && text !== undefined) parts.push(`${label}=${escapeText(text.slice(0, MAX_VALUE))}`);
      }
      q = atv.end;
    }
    p = set.end;
  }
  return parts.join(', ');
}

export interface CertificateNames {
  subject: string;
  issuer: string;
}

/**
 * Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature,
 * issuer Name, validity, subject Name, ... }, ... }
 */
export function certificateNames(der: Buffer): CertificateNames | undefined {
  const cert = tlv(der, 0, der.length);
  if (cert === undefined || cert.tag !== SEQUENCE) return undefined;
  const tbs = tlv(der, cert.start, cert.end);
  if (tbs === undefined || tbs.tag !== SEQUENCE) return undefined;
  const fields: Tlv[] = [];
  let p = tbs.start;
  while (p < tbs.end && fields.length < 6) {
    const f = tlv(der, p, tbs.end);
    if (f === undefined) return undefined;
    fields.push(f);
    p = f.end;
  }
  const skip = fields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = fields[skip + 2];
  const subject = fields[skip + 4];
  if (issuer === undefined || subject === undefined) return undefined;
  const i = renderName(der, issuer);
  const s = renderName(der, subject);
  if (i === undefined || s === undefined) return undefined;
  return { subject: s, issuer: i };
}
