import type { TcpConnection } from '../tcp/types.js';
import type { TlsFacts } from '../transport/types.js';
import type { MsrpEndpointInfo } from '../sip/dialogs.js';

/** MSRP's registered port (RFC 4975), for msrp: and msrps: alike. */
const MSRP_PORT = 2855;

/** Where MSRP over TLS was announced: SDP media and msrps: URIs seen in clear MSRP (To/From/Use-Path). */
export interface TlsHintSources {
  sdpEndpoints: readonly MsrpEndpointInfo[];
  /** `host:port` of msrps: URIs seen in clear-text MSRP paths. */
  msrpsAuthorities: ReadonlySet<string>;
}

/**
 * Why an encrypted connection is probably MSRP over TLS, or null: an SDP `TCP/TLS/MSRP` (or `msrps:` path) at
 * one of its ends, an `msrps:` URI naming one of its ends, an SNI or ALPN that says msrp, or the MSRP port.
 */
export function msrpOverTlsReason(conn: TcpConnection, tls: TlsFacts | undefined, src: TlsHintSources): string | null {
  const ends = [conn.server, conn.client];
  for (const ep of src.sdpEndpoints) {
    if (ep.transport !== 'tls' && ep.transport !== 'wss') continue;
    if (ends.some((e) => e.port === ep.port && (e.address === ep.address || ep.address === ''))) {
      return `SDP ${ep.transport === 'tls' ? 'TCP/TLS/MSRP' : 'TCP/WSS/MSRP'} of Call-ID ${ep.callId} (frame ${ep.frame})`;
    }
  }
  for (const e of ends) {
    const key = e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
    if (src.msrpsAuthorities.has(key)) return `msrps: URI of ${key} in a clear MSRP path`;
  }
  if (tls?.alpn?.toLowerCase().includes('msrp') || tls?.alpnOffered.some((a) => a.toLowerCase().includes('msrp'))) return 'ALPN msrp';
  if (tls?.sni?.toLowerCase().includes('msrp')) return `SNI ${tls.sni}`;
  if (ends.some((e) => e.port === MSRP_PORT)) return `port ${MSRP_PORT}`;
  return null;
}

const PATH_HEADERS = new Set(['to-path', 'from-path', 'use-path']);
// Linear: a fixed prefix, then runs of characters that cannot overlap each other's delimiters.
const MSRPS_AUTHORITY = /msrps:\/\/(?:[^@\s/]{0,256}@)?(\[[0-9A-Fa-f:.]{2,64}\]|[^:/;\s\[\]]{1,256})(?::(\d{1,5}))?/g;

/** `host:port` of every msrps: URI in the To-Path / From-Path / Use-Path headers given. */
export function msrpsAuthorities(headerLists: Iterable<ReadonlyArray<{ name: string; value: string }>>): Set<string> {
  const out = new Set<string>();
  for (const headers of headerLists) addMsrpsAuthorities(out, headers);
  return out;
}

/** Adds to `out` the `host:port` of every msrps: URI in the path headers of one header list. */
export function addMsrpsAuthorities(out: Set<string>, headers: ReadonlyArray<{ name: string; value: string }>): void {
  for (const h of headers) {
    if (!h.value.includes('msrps:') || !PATH_HEADERS.has(h.name.toLowerCase())) continue;
    for (const m of h.value.matchAll(MSRPS_AUTHORITY)) {
      out.add(`${(m[1] ?? '').toLowerCase()}:${m[2] ?? String(MSRP_PORT)}`);
    }
  }
}
