/**
 * SDP (RFC 8866) as far as msrpscope needs it: session and media c= lines, m= lines with their attributes
 * in order, and a typed view of MSRP media (RFC 4975 / 4976 / 6135 / 6714 / 7977, RFC 5547 file transfer).
 * Attributes are kept as [name, value] pairs, never as object keys. Never throws.
 */
import { msrpMediaOf, type MsrpMedia } from './msrp-media.js';
import { safeText } from './text.js';

export type { MsrpMedia, MsrpTransport, SdpSetup, SdpDirection, SdpFingerprint } from './msrp-media.js';

/** One a= line: [name, value]; value is undefined for a property attribute without a colon (a=sendonly). */
export type SdpAttribute = [name: string, value: string | undefined];

export interface SdpConnection {
  netType: string;
  /** Address type as sent, upper-cased (IP4, IP6). */
  addrType: string;
  /** Address without the multicast /ttl/count suffix. */
  address: string;
}

export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpIssue {
  code: string;
  /** 1-based line number in the SDP text. */
  line: number;
  detail: string;
}

export interface SdpMedia {
  /** Media type as sent (`message`, `audio` ...). */
  media: string;
  port: number;
  /** The /N after the port, when present. */
  portCount: number | undefined;
  /** Transport protocol as sent (`TCP/MSRP` ...). */
  proto: string;
  formats: string[];
  /** The media-level c= line, undefined when the session-level one applies. */
  connection: SdpConnection | undefined;
  attributes: SdpAttribute[];
  /** 1-based line number of the m= line. */
  line: number;
  /** Typed view for MSRP media (m=message with an MSRP proto), else undefined. */
  msrp: MsrpMedia | undefined;
}

export interface Sdp {
  version: string | undefined;
  origin: SdpOrigin | undefined;
  sessionName: string | undefined;
  /** The session-level c= line. */
  connection: SdpConnection | undefined;
  /** Session-level attributes in order. */
  attributes: SdpAttribute[];
  media: SdpMedia[];
  issues: SdpIssue[];
}

const LINE = /^([A-Za-z])=(.*)$/;
const MEDIA = /^(\S+)\s+(\d{1,5})(?:\/(\d{1,5}))?\s+(\S+)(?:\s+(.*))?$/;

/** Parses a c= value (`IN IP4 127.0.0.1`, `IN IP6 ::1`, `IN IP4 224.2.1.1/127`). */
export function parseConnection(value: string): SdpConnection | undefined {
  const parts = value.trim().split(/\s+/);
  if (parts.length < 3) return undefined;
  const [netType, addrType, addr] = parts as [string, string, string];
  const address = addr.split('/')[0] ?? '';
  if (address === '') return undefined;
  return { netType, addrType: addrType.toUpperCase(), address };
}

function parseOrigin(value: string): SdpOrigin | undefined {
  const p = value.trim().split(/\s+/);
  if (p.length < 6) return undefined;
  return {
    username: p[0] as string,
    sessionId: p[1] as string,
    sessionVersion: p[2] as string,
    netType: p[3] as string,
    addrType: (p[4] as string).toUpperCase(),
    address: p[5] as string,
  };
}

/** Splits an a= value into [name, value]. */
function parseAttribute(value: string): SdpAttribute {
  const colon = value.indexOf(':');
  if (colon < 0) return [value.trim(), undefined];
  return [value.slice(0, colon).trim(), value.slice(colon + 1).trim()];
}

/** Parses SDP text (CRLF or LF lines). Problems are listed in `issues`; unknown lines and attributes are kept or skipped, never fatal. */
export function parseSdp(text: string): Sdp {
  const sdp: Sdp = {
    version: undefined,
    origin: undefined,
    sessionName: undefined,
    connection: undefined,
    attributes: [],
    media: [],
    issues: [],
  };
  const issue = (code: string, line: number, detail: string): void => {
    if (sdp.issues.length < 100) sdp.issues.push({ code, line, detail: safeText(detail) });
  };
  const lines = text.split(/\r?\n|\r/);
  let current: SdpMedia | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const lineNo = i + 1;
    if (raw.trim() === '') continue;
    const m = LINE.exec(raw);
    if (!m) {
      issue('sdp-invalid-line', lineNo, `not <type>=<value>: "${raw}"`);
      continue;
    }
    const type = m[1] as string;
    const value = m[2] as string;
    switch (type) {
      case 'v':
        if (current === undefined) sdp.version = value.trim();
        break;
      case 'o':
        if (current === undefined) {
          sdp.origin = parseOrigin(value);
          if (sdp.origin === undefined) issue('sdp-invalid-line', lineNo, `bad o= line "${value}"`);
        }
        break;
      case 's':
        if (current === undefined) sdp.sessionName = value;
        break;
      case 'c': {
        const c = parseConnection(value);
        if (c === undefined) issue('sdp-bad-connection', lineNo, `bad c= line "${value}"`);
        else if (current !== undefined) current.connection = c;
        else sdp.connection = c;
        break;
      }
      case 'm': {
        const mm = MEDIA.exec(value.trim());
        const port = mm ? Number(mm[2]) : NaN;
        if (!mm || port > 65535) {
          issue('sdp-bad-media', lineNo, `bad m= line "${value}"`);
          // Attributes up to the next m= belong to an unusable media description: keep them aside.
          current = {
            media: '',
            port: 0,
            portCount: undefined,
            proto: '',
            formats: [],
            connection: undefined,
            attributes: [],
            line: lineNo,
            msrp: undefined,
          };
          break;
        }
        current = {
          media: mm[1] as string,
          port,
          portCount: mm[3] === undefined ? undefined : Number(mm[3]),
          proto: mm[4] as string,
          formats: mm[5] === undefined ? [] : mm[5].trim().split(/\s+/).filter((f) => f !== ''),
          connection: undefined,
          attributes: [],
          line: lineNo,
          msrp: undefined,
        };
        sdp.media.push(current);
        break;
      }
      case 'a': {
        const attr = parseAttribute(value);
        if (attr[0] === '') {
          issue('sdp-invalid-line', lineNo, `empty attribute name "${value}"`);
          break;
        }
        (current ?? sdp).attributes.push(attr);
        break;
      }
      default:
        break;
    }
  }
  for (const media of sdp.media) {
    media.msrp = msrpMediaOf(media, sdp, issue);
  }
  return sdp;
}

/** Value of the first attribute `name` (case-insensitive) in a list, or undefined (also for property attributes). */
export function attributeValue(attrs: readonly SdpAttribute[], name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [n, v] of attrs) if (n.toLowerCase() === want) return v;
  return undefined;
}

/** True when attribute `name` is present (with or without a value). */
export function hasAttribute(attrs: readonly SdpAttribute[], name: string): boolean {
  const want = name.toLowerCase();
  for (const [n] of attrs) if (n.toLowerCase() === want) return true;
  return false;
}

/** The MSRP media descriptions of an SDP, in order. */
export function msrpMedia(sdp: Sdp): MsrpMedia[] {
  const out: MsrpMedia[] = [];
  for (const m of sdp.media) if (m.msrp) out.push(m.msrp);
  return out;
}
