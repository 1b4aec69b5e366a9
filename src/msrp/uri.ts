/**
 * MSRP URIs (RFC 4975 section 9, RFC 7977 for `ws`/`wss` transports and `.invalid` hosts):
 *   msrp-scheme "://" [userinfo "@"] host [":" port] ["/" session-id] ";" transport *(";" param)
 */
import { isIPv4Text, isIPv6Text } from '../util/ip-text.js';

export interface MsrpUri {
  /** The URI exactly as written. */
  raw: string;
  scheme: 'msrp' | 'msrps';
  /** Userinfo before `@`, undefined when absent. */
  user: string | undefined;
  /** Host as written, IPv6 without brackets. */
  host: string;
  hostKind: 'ipv4' | 'ipv6' | 'fqdn';
  /** Host is a name under `.invalid` (a WebSocket client without a reachable address, RFC 7977). */
  dotInvalid: boolean;
  port: number | undefined;
  sessionId: string | undefined;
  /** Lower-cased transport (`tcp`, `ws`, `wss` or another token). */
  transport: string;
  /** URI parameters after the transport, in order, as [name, value] (value undefined without `=`). */
  params: [string, string | undefined][];
}

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const USERINFO = /^[A-Za-z0-9\-._~!$&'()*+,;=:%]+$/;
const SESSION_ID = /^[A-Za-z0-9\-._~+=/%]+$/;
const TOKEN = /^[A-Za-z0-9]+$/;
const PARAM_NAME = /^[A-Za-z0-9\-._~!$&'()*+%]+$/;
const PARAM_VALUE = /^[A-Za-z0-9\-._~!$&'()*+%:[\]/]*$/;

function isFqdn(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const t = s.endsWith('.') ? s.slice(0, -1) : s;
  if (t.length === 0) return false;
  return t.split('.').every((l) => LABEL.test(l));
}

/** Parses one MSRP URI; returns the URI or the reason it is not one. Never throws. */
export function parseMsrpUriDetailed(raw: string): { uri: MsrpUri } | { error: string } {
  const sep = raw.indexOf('://');
  if (sep === -1) return { error: 'no "://"' };
  const scheme = raw.slice(0, sep).toLowerCase();
  if (scheme !== 'msrp' && scheme !== 'msrps') return { error: `scheme "${scheme.slice(0, 16)}" is not msrp or msrps` };
  const rest = raw.slice(sep + 3);
  const semi = rest.indexOf(';');
  if (semi === -1) return { error: 'no ";transport"' };
  const hierPart = rest.slice(0, semi);
  const paramPart = rest.slice(semi + 1);

  const slash = hierPart.indexOf('/');
  const authority = slash === -1 ? hierPart : hierPart.slice(0, slash);
  let sessionId: string | undefined;
  if (slash !== -1) {
    sessionId = hierPart.slice(slash + 1);
    if (!SESSION_ID.test(sessionId)) return { error: 'invalid session-id' };
  }

  let user: string | undefined;
  let hostPort = authority;
  const at = authority.lastIndexOf('@');
  if (at !== -1) {
    user = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
    if (!USERINFO.test(user)) return { error: 'invalid userinfo' };
  }

  let host: string;
  let hostKind: MsrpUri['hostKind'];
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) return { error: 'unterminated IPv6 reference' };
    host = hostPort.slice(1, close);
    if (!isIPv6Text(host)) return { error: 'invalid IPv6 address' };
    hostKind = 'ipv6';
    const after = hostPort.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return { error: 'junk after IPv6 reference' };
      portText = after.slice(1);
    }
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = colon === -1 ? hostPort : hostPort.slice(0, colon);
    if (colon !== -1) portText = hostPort.slice(colon + 1);
    if (isIPv4Text(host)) hostKind = 'ipv4';
    else if (isFqdn(host) && !/^[0-9.]+$/.test(host)) hostKind = 'fqdn';
    else return { error: 'invalid host' };
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) return { error: 'invalid port' };
    port = Number(portText);
    if (port > 65535) return { error: 'port out of range' };
  }

  const paramList = paramPart.split(';');
  const transport = paramList[0]!;
  if (!TOKEN.test(transport)) return { error: 'invalid transport' };
  const params: [string, string | undefined][] = [];
  for (let i = 1; i < paramList.length; i++) {
    const p = paramList[i]!;
    const eq = p.indexOf('=');
    const name = eq === -1 ? p : p.slice(0, eq);
    const value = eq === -1 ? undefined : p.slice(eq + 1);
    if (!PARAM_NAME.test(name)) return { error: 'invalid URI parameter' };
    if (value !== undefined && !PARAM_VALUE.test(value)) return { error: 'invalid URI parameter value' };
    params.push([name, value]);
  }
  const lowerHost = host.toLowerCase();
  return {
    uri: {
      raw,
      scheme,
      user,
      host,
      hostKind,
      dotInvalid: hostKind === 'fqdn' && (lowerHost.endsWith('.invalid') || lowerHost.endsWith('.invalid.')),
      port,
      sessionId,
      transport: transport.toLowerCase(),
      params,
    },
  };
}

/** Parses one MSRP URI, or returns undefined when it is not one. Never throws. */
export function parseMsrpUri(raw: string): MsrpUri | undefined {
  const r = parseMsrpUriDetailed(raw);
  return 'uri' in r ? r.uri : undefined;
}

/**
 * Comparison key of RFC 4975 section 6.1: scheme, host and transport case-insensitive, port, session-id
 * case-sensitive; userinfo and parameters ignored.
 */
export function msrpUriKey(u: MsrpUri): string {
  const host = u.hostKind === 'ipv6' ? `[${u.host.toLowerCase()}]` : u.host.toLowerCase();
  const port = u.port ?? 2855;
  return `${u.scheme}://${host}:${port}/${u.sessionId ?? ''};${u.transport}`;
}
