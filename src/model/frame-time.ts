import type { FrameRef } from '../capture/types.js';

/** Milliseconds from `a` to `b` (negative when b is earlier), at the capture's full precision. */
export function msBetween(a: FrameRef, b: FrameRef): number {
  return (b.tsSec - a.tsSec) * 1000 + (b.tsNsec - a.tsNsec) / 1e6;
}

/** Seconds since the epoch as a number (microsecond-exact for present-day times). */
export function epochSeconds(t: FrameRef): number {
  return t.tsSec + t.tsNsec / 1e9;
}

/** True when `b` is strictly later than `a`. */
export function isLater(a: FrameRef, b: FrameRef): boolean {
  return b.tsSec > a.tsSec || (b.tsSec === a.tsSec && b.tsNsec > a.tsNsec);
}

/** The second formatted last (records of one stretch of a capture share their second). */
let lastSec = Number.NaN;
let lastBase = '';

/**
 * ISO-8601 UTC text with `digits` fraction digits (0..9): the capture's precision, so microsecond
 * captures print six digits and nanosecond captures nine, never rounded.
 */
export function isoTime(t: FrameRef, digits: number): string {
  const d = Math.max(0, Math.min(9, Math.trunc(digits)));
  let base: string;
  if (t.tsSec === lastSec) base = lastBase;
  else {
    const ms = t.tsSec * 1000;
    if (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15) base = new Date(ms).toISOString().slice(0, 19);
    else base = '1970-01-01T00:00:00';
    lastSec = t.tsSec;
    lastBase = base;
  }
  if (d === 0) return `${base}Z`;
  const ns = Math.max(0, Math.min(999_999_999, Math.trunc(t.tsNsec)));
  return `${base}.${String(ns).padStart(9, '0').slice(0, d)}Z`;
}
