/**
 * The HTTP/1.1 heads of a WebSocket opening handshake (RFC 6455 section 4): the client's GET with
 * `Upgrade: websocket` and the server's `HTTP/1.1 101`. Heads are parsed once complete; header names are
 * compared case-insensitively and never become object keys.
 */
import { crypto } from '../util/builtins.js';
import { escapeText } from '../util/escape.js';

/** Largest HTTP head accepted while looking for an upgrade (beyond it the connection is plain bytes). */
export const MAX_HTTP_HEAD = 16 * 1024;

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_VALUE = 512;

/** Offset just past the blank line ending an HTTP head in b[0..n), or -1. CRLF, tolerating bare LF. */
export function headEnd(b: Buffer, n: number): number {
  const v = b.subarray(0, n);
  const crlf = v.indexOf('\r\n\r\n');
  const lf = v.indexOf('\n\n');
  if (crlf === -1) return lf === -1 ? -1 : lf + 2;
  if (lf === -1 || crlf < lf) return crlf + 4;
  return lf + 2;
}

interface Head {
  startLine: string;
  headers: [string, string][];
}

function parseHead(b: Buffer): Head {
  const lines = b.toString('latin1').split('\n');
  const startLine = (lines[0] ?? '').replace(/\r$/, '');
  const headers: [string, string][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { startLine, headers };
}

/** All values of a header (lower-case name), comma-joined as HTTP allows. */
function header(h: Head, name: string): string | null {
  const values = h.headers.filter(([n]) => n === name).map(([, v]) => v);
  return values.length === 0 ? null : values.join(', ');
}

function tokens(v: string | null): string[] {
  if (v === null) return [];
  return v
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
}

function clean(v: string | null): string | null {
  return v === null ? null : escapeText(v.slice(0, MAX_VALUE));
}

export interface UpgradeRequest {
  method: string;
  target: string;
  /** Upgrade: websocket (and Connection: Upgrade) present. */
  upgrade: boolean;
  host: string | null;
  origin: string | null;
  protocols: string[];
  key: string | null;
}

/** The request head (bytes up to the blank line). */
export function parseUpgradeRequest(b: Buffer): UpgradeRequest {
  const h = parseHead(b);
  const parts = h.startLine.split(' ');
  const upgrade = tokens(header(h, 'upgrade')).includes('websocket');
  return {
    method: parts[0] ?? '',
    target: escapeText((parts[1] ?? '').slice(0, MAX_VALUE)),
    upgrade: upgrade && parts.length >= 3 && (parts[2] ?? '').startsWith('HTTP/1.'),
    host: clean(header(h, 'host')),
    origin: clean(header(h, 'origin')),
    protocols: tokens(header(h, 'sec-websocket-protocol')).slice(0, 16).map((t) => escapeText(t.slice(0, 64))),
    key: header(h, 'sec-websocket-key'),
  };
}

export interface UpgradeResponse {
  /** Status code, null when the head is not an HTTP/1.x status line. */
  status: number | null;
  protocol: string | null;
  extensions: string | null;
  accept: string | null;
}

export function parseUpgradeResponse(b: Buffer): UpgradeResponse {
  const h = parseHead(b);
  const m = /^HTTP\/1\.\d (\d{3})(?: |$)/.exec(h.startLine);
  const protocol = header(h, 'sec-websocket-protocol');
  return {
    status: m === null ? null : Number(m[1]),
    protocol: protocol === null ? null : escapeText(protocol.trim().toLowerCase().slice(0, 64)),
    extensions: clean(header(h, 'sec-websocket-extensions')),
    accept: header(h, 'sec-websocket-accept'),
  };
}

/** Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)). */
export function expectedAccept(key: string): string {
  return crypto().createHash('sha1').update(key.trim() + WS_GUID, 'latin1').digest('base64');
}
