/**
 * Comparison keys for MSRP URIs (RFC 4975 §6.1): scheme, host and transport compare case-insensitively,
 * the session-id case-sensitively, userinfo is ignored, a missing port means the default.
 */

const URI = /^(msrps?):\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/;]*)(?::(\d{1,5}))?(?:\/([^;]*))?(?:;(.*))?$/i;

export interface UriParts {
  scheme: string;
  host: string;
  port: number | null;
  sessionId: string | null;
  transport: string | null;
}

export function splitUri(raw: string): UriParts | undefined {
  const m = URI.exec(raw.trim());
  if (m === null) return undefined;
  const port = m[3] === undefined ? null : Number(m[3]);
  const params = m[5] ?? '';
  const transport = params.length > 0 ? (params.split(';')[0] ?? '').toLowerCase() : null;
  return {
    scheme: (m[1] ?? '').toLowerCase(),
    host: (m[2] ?? '').toLowerCase(),
    port: port !== null && port <= 65535 ? port : null,
    sessionId: m[4] === undefined || m[4] === '' ? null : m[4],
    transport: transport === '' ? null : transport,
  };
}

/** The key under which two URIs naming the same endpoint are equal. */
export function uriKey(raw: string): string {
  const p = splitUri(raw);
  if (p === undefined) return raw.trim();
  const port = p.port ?? 2855;
  return `${p.scheme}://${p.host}:${port}/${p.sessionId ?? ''};${p.transport ?? ''}`;
}

/** The session-id of an MSRP URI, or undefined. */
export function uriSessionId(raw: string): string | undefined {
  return splitUri(raw)?.sessionId ?? undefined;
}
