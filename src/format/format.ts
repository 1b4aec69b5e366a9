/** Small formatters shared by the formatters: times, durations, sizes, URIs. Pure, no terminal. */
import type { JsonStatus, JsonTime } from '../export/json-types.js';

export type TimeMode = 'absolute' | 'delta';

/** `HH:MM:SS.mmm` (UTC, as in the document) from an ISO time; the ISO string itself when it is odd. */
export function clockTime(iso: string, fractionDigits = 3): string {
  const m = /T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(iso);
  if (m === null) return iso;
  const frac = (m[2] ?? '').padEnd(fractionDigits, '0').slice(0, fractionDigits);
  return fractionDigits > 0 ? `${m[1] ?? ''}.${frac}` : (m[1] ?? '');
}

/** Date part of an ISO time (`2026-11-25`). */
export function datePart(iso: string | null): string {
  if (iso === null) return '';
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(iso);
  return m?.[1] ?? '';
}

/** Seconds between two moments as `+0.012050` (or `+12.5s` style for long gaps). */
export function deltaTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  const sign = seconds < 0 ? '-' : '+';
  const a = Math.abs(seconds);
  if (a < 1000) return `${sign}${a.toFixed(6)}`;
  if (a < 100_000) return `${sign}${a.toFixed(2)}`;
  return `${sign}${Math.round(a)}`;
}

/** A time column: absolute clock time, or the delta to `prev` (the row above). */
export function timeColumn(at: JsonTime, prev: JsonTime | undefined, mode: TimeMode): string {
  if (mode === 'absolute' || prev === undefined) return clockTime(at.time);
  return deltaTime(at.epoch - prev.epoch);
}

export function fmtBytes(n: number): string {
  if (n < 10_000) return `${n} B`;
  if (n < 10_000_000) return `${(n / 1000).toFixed(1)} kB`;
  if (n < 10_000_000_000) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(1)} GB`;
}

/** Compact size for narrow columns (`10326` → `10.3k`). */
export function fmtBytesShort(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1e6) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `000 200 OK` as in a Status header. */
export function fmtStatus(s: JsonStatus): string {
  return `${String(s.namespace).padStart(3, '0')} ${s.code}${s.comment === '' ? '' : ` ${s.comment}`}`;
}

/** True for a final status that reports a failure. */
export function isFailure(code: number | null | undefined): boolean {
  return code !== null && code !== undefined && code >= 300;
}

const URI = /^(msrps?):\/\/([^/;?]*)(?:\/([^;?]*))?(?:;(.*))?$/i;

export interface UriParts {
  scheme: string;
  authority: string;
  sessionId: string | null;
  transport: string | null;
}

/** Splits an MSRP URI (`msrp://host:port/session;tcp`); null when it is not one. */
export function parseMsrpUri(uri: string): UriParts | null {
  const m = URI.exec(uri.trim());
  if (m === null) return null;
  return {
    scheme: (m[1] ?? '').toLowerCase(),
    authority: (m[2] ?? '').toLowerCase(),
    sessionId: m[3] === undefined || m[3] === '' ? null : m[3],
    transport: m[4] === undefined ? null : m[4].toLowerCase(),
  };
}

/** `host:port` of an MSRP URI (lower case, userinfo dropped); the input when it is not a URI. */
export function uriAuthority(uri: string): string {
  const p = parseMsrpUri(uri);
  if (p === null) return uri.trim().toLowerCase();
  const at = p.authority.lastIndexOf('@');
  return at >= 0 ? p.authority.slice(at + 1) : p.authority;
}

/** `host:port/session` — an MSRP URI without scheme and transport. */
export function shortUri(uri: string): string {
  const p = parseMsrpUri(uri);
  if (p === null) return uri;
  return p.sessionId === null ? p.authority : `${p.authority}/${p.sessionId}`;
}

/** `alice@example.com` from `<sip:alice@example.com>`, `"Alice" <sip:alice@example.com;x=y>` or `sip:…`. */
export function sipIdentity(addr: string): string {
  let s = addr.trim();
  const lt = s.indexOf('<');
  const gt = s.indexOf('>', lt + 1);
  if (lt >= 0 && gt > lt) s = s.slice(lt + 1, gt);
  s = s.replace(/^(sips?|tel|im|pres):/i, '');
  const semi = s.indexOf(';');
  if (semi > 0) s = s.slice(0, semi);
  return s;
}

/** The milliseconds between two moments. */
export function msBetween(a: JsonTime, b: JsonTime): number {
  return (b.epoch - a.epoch) * 1000;
}
