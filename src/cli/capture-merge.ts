import type { CaptureInfo } from '../capture/types.js';

/** Several files read in order are one capture: counts add up, first/last span them all. */
export function mergeCaptureInfo(parts: CaptureInfo[]): CaptureInfo {
  const merged: CaptureInfo = {
    format: undefined,
    timestampDigits: 0,
    compressed: false,
    linkTypes: [],
    packets: 0,
    bytes: 0,
    first: undefined,
    last: undefined,
    truncated: false,
  };
  for (const p of parts) {
    merged.format ??= p.format;
    merged.timestampDigits = Math.max(merged.timestampDigits, p.timestampDigits);
    merged.compressed ||= p.compressed;
    for (const lt of p.linkTypes) if (!merged.linkTypes.includes(lt)) merged.linkTypes.push(lt);
    merged.packets += p.packets;
    merged.bytes += p.bytes;
    merged.first ??= p.first;
    merged.last = p.last ?? merged.last;
    merged.truncated ||= p.truncated;
  }
  return merged;
}
