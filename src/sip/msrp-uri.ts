/** MSRP URIs as they appear in SDP a=path (RFC 4975 §9): msrp[s]://[user@]host[:port]/session-id;transport[;params]. */

export interface MsrpUri {
  scheme: 'msrp' | 'msrps';
  /** Host without brackets (IPv6 literals lower-cased, names lower-cased). */
  host: string;
  /** Port, or undefined when the URI has none. */
  port: number | undefined;
  /** Session-id: everything between the '/' after the authority and the first ';'. */
  sessionId: string;
  /** Transport parameter as sent (e.g. tcp, ws), lower-cased. */
  transport: string;
}

const URI = /^(msrps?):\/\/(?:[^@/\s]*@)?(\[[0-9A-Fa-f:.]+\]|[^:/;\s[\]]+)(?::(\d{1,5}))?\/([^;\s]+);([^;\s]+)(?:;\S*)?$/i;

/** Parses one MSRP URI; undefined when it is not one (never throws). */
export function parseMsrpUri(uri: string): MsrpUri | undefined {
  if (uri.length > 4096) return undefined;
  const m = URI.exec(uri.trim());
  if (!m) return undefined;
  const hostRaw = (m[2] as string).toLowerCase();
  const host = hostRaw.startsWith('[') ? hostRaw.slice(1, -1) : hostRaw;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && port > 65535) return undefined;
  return {
    scheme: (m[1] as string).toLowerCase() === 'msrps' ? 'msrps' : 'msrp',
    host,
    port,
    sessionId: m[4] as string,
    transport: (m[5] as string).toLowerCase(),
  };
}

/** The session-id of an MSRP URI (`msrp://127.0.0.1:2862/abc123;tcp` → `abc123`), or undefined. */
export function msrpSessionId(uri: string): string | undefined {
  return parseMsrpUri(uri)?.sessionId;
}
