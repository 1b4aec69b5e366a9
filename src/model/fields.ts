import type { RawHeader } from '../msrp/types.js';
import { parseByteRange, parseStatus, type ByteRange, type StatusValue } from '../msrp/headers.js';

export { parseByteRange, parseStatus, type ByteRange, type StatusValue };

export type ReportFlag = 'yes' | 'no' | 'partial';

/**
 * The header values the model correlates on, pulled out of a frame's headers in one pass. First occurrence
 * wins (the parser reports duplicates). Unparsable values stay undefined; the parser reports them.
 */
export interface FrameFields {
  toPath: readonly string[];
  fromPath: readonly string[];
  /** Raw header values, used to recognise repeated paths cheaply. */
  toPathRaw: string | undefined;
  fromPathRaw: string | undefined;
  messageId: string | undefined;
  byteRange: ByteRange | undefined;
  contentType: string | undefined;
  successReport: ReportFlag | undefined;
  failureReport: ReportFlag | undefined;
  status: StatusValue | undefined;
  contentDisposition: string | undefined;
  expires: number | undefined;
  minExpires: number | undefined;
  usePath: readonly string[];
  hasAuthorization: boolean;
}

const NONE: readonly string[] = Object.freeze([]);

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function num(s: string): number | undefined {
  if (s.length === 0 || s.length > 16) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const n = Number(s);
  return n <= MAX_SAFE ? n : undefined;
}

function reportFlag(value: string): ReportFlag | undefined {
  const v = value.trim().toLowerCase();
  return v === 'yes' || v === 'no' || v === 'partial' ? v : undefined;
}

/** Splits a path header (URIs separated by whitespace). */
export function splitPath(value: string): string[] {
  const v = value.trim();
  if (v.length === 0) return [];
  if (!/[ \t\r\n]/.test(v)) return [v];
  return v.split(/[ \t\r\n]+/);
}

/** ASCII case-insensitive equality with a lower-case literal, without allocating. */
function is(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The lower-case name of a header the model reads, or '' (decided by length first: no allocation). */
function known(name: string): string {
  switch (name.length) {
    case 6:
      return is(name, 'status') ? 'status' : '';
    case 7:
      return is(name, 'to-path') ? 'to-path' : is(name, 'expires') ? 'expires' : '';
    case 8:
      return is(name, 'use-path') ? 'use-path' : '';
    case 9:
      return is(name, 'from-path') ? 'from-path' : '';
    case 10:
      return is(name, 'message-id') ? 'message-id' : is(name, 'byte-range') ? 'byte-range' : '';
    case 11:
      return is(name, 'min-expires') ? 'min-expires' : '';
    case 12:
      return is(name, 'content-type') ? 'content-type' : '';
    case 13:
      return is(name, 'authorization') ? 'authorization' : '';
    case 14:
      return is(name, 'success-report') ? 'success-report' : is(name, 'failure-report') ? 'failure-report' : '';
    case 19:
      return is(name, 'content-disposition') ? 'content-disposition' : '';
    default:
      return '';
  }
}

function newFields(): FrameFields {
  return {
    toPath: NONE,
    fromPath: NONE,
    toPathRaw: undefined,
    fromPathRaw: undefined,
    messageId: undefined,
    byteRange: undefined,
    contentType: undefined,
    successReport: undefined,
    failureReport: undefined,
    status: undefined,
    contentDisposition: undefined,
    expires: undefined,
    minExpires: undefined,
    usePath: NONE,
    hasAuthorization: false,
  };
}

/** The fields of a frame without headers (shared, never modified). */
export const NO_FIELDS: FrameFields = Object.freeze(newFields());

/**
 * To-Path, From-Path and Status alone, as extractFields reads them (first occurrence wins; an unparsable first
 * Status stays undefined), into arrays of their own: the session list reads these of every transaction at each
 * redraw of the live viewer, where the whole FrameFields was most of what a redraw made.
 */
export function pathFields(headers: readonly RawHeader[]): { toPath: string[]; fromPath: string[]; status: StatusValue | undefined } {
  let toPath: string[] | undefined;
  let fromPath: string[] | undefined;
  let status: StatusValue | undefined;
  let seenStatus = false;
  for (const h of headers) {
    const k = known(h.name);
    if (k === 'to-path') toPath ??= splitPath(h.value);
    else if (k === 'from-path') fromPath ??= splitPath(h.value);
    else if (k === 'status' && !seenStatus) {
      seenStatus = true;
      status = parseStatus(h.value);
    }
  }
  return { toPath: toPath ?? [], fromPath: fromPath ?? [], status };
}

export function extractFields(headers: readonly RawHeader[]): FrameFields {
  const f = newFields();
  let seenRange = false;
  let seenStatus = false;
  for (const h of headers) {
    switch (known(h.name)) {
      case 'to-path':
        if (f.toPathRaw === undefined) {
          f.toPathRaw = h.value;
          f.toPath = splitPath(h.value);
        }
        break;
      case 'from-path':
        if (f.fromPathRaw === undefined) {
          f.fromPathRaw = h.value;
          f.fromPath = splitPath(h.value);
        }
        break;
      case 'message-id':
        if (f.messageId === undefined) {
          const id = h.value.trim();
          if (id.length > 0) f.messageId = id;
        }
        break;
      case 'byte-range':
        if (!seenRange) {
          seenRange = true;
          f.byteRange = parseByteRange(h.value);
        }
        break;
      case 'content-type':
        f.contentType ??= h.value.trim();
        break;
      case 'success-report':
        f.successReport ??= reportFlag(h.value);
        break;
      case 'failure-report':
        f.failureReport ??= reportFlag(h.value);
        break;
      case 'status':
        if (!seenStatus) {
          seenStatus = true;
          f.status = parseStatus(h.value);
        }
        break;
      case 'content-disposition':
        f.contentDisposition ??= h.value.trim();
        break;
      case 'expires':
        f.expires ??= num(h.value.trim());
        break;
      case 'min-expires':
        f.minExpires ??= num(h.value.trim());
        break;
      case 'use-path':
        f.usePath = f.usePath.length === 0 ? splitPath(h.value) : [...f.usePath, ...splitPath(h.value)];
        break;
      case 'authorization':
        f.hasAuthorization = true;
        break;
      default:
        break;
    }
  }
  return f;
}
