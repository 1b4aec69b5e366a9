/** The start-line and header section of a SIP message, shared by the UDP and TCP parsers. */
import { isHeaderName, type SipHeader } from './headers.js';

export interface SipStartLine {
  kind: 'request' | 'response';
  /** Request method as sent, undefined for responses. */
  method: string | undefined;
  requestUri: string | undefined;
  /** Status code, undefined for requests. */
  status: number | undefined;
  /** Reason phrase ('' for requests or when absent). */
  reason: string;
  /** Protocol version as sent (normally `SIP/2.0`). */
  version: string;
}

const REQUEST_LINE = /^([A-Za-z][A-Za-z0-9\-.!%*_+`'~]{0,31}) (\S{1,8192}) (SIP\/2\.0)$/i;
const STATUS_LINE = /^(SIP\/2\.0) ([1-6]\d\d)(?: (.*))?$/i;

/** Longest line that may still be a start-line (longer lines are never tested). */
export const MAX_START_LINE = 8300;

/** Parses a start-line (without its line terminator); undefined when the line is not a plausible one. */
export function parseStartLine(line: string): SipStartLine | undefined {
  if (line.length > MAX_START_LINE) return undefined;
  const s = line.length > 0 && line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
  const st = STATUS_LINE.exec(s);
  if (st) {
    return {
      kind: 'response',
      method: undefined,
      requestUri: undefined,
      status: Number(st[2]),
      reason: (st[3] ?? '').trim(),
      version: st[1] as string,
    };
  }
  const rq = REQUEST_LINE.exec(s);
  if (rq) {
    return {
      kind: 'request',
      method: rq[1] as string,
      requestUri: rq[2] as string,
      status: undefined,
      reason: '',
      version: rq[3] as string,
    };
  }
  return undefined;
}

/**
 * Collects header lines (terminator already removed, a trailing CR allowed) into ordered [name, value]
 * pairs, joining folded continuation lines (leading SP/HT) with one space.
 */
export class HeaderCollector {
  readonly headers: SipHeader[] = [];
  /** Header lines that were dropped (no colon, bad name, or a continuation with nothing to continue). */
  readonly malformed: string[] = [];

  add(rawLine: string): void {
    const line = rawLine.length > 0 && rawLine.charCodeAt(rawLine.length - 1) === 0x0d ? rawLine.slice(0, -1) : rawLine;
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      const last = this.headers[this.headers.length - 1];
      const more = line.trim();
      if (last === undefined) {
        if (more !== '') this.malformed.push(line);
        return;
      }
      if (more !== '') last[1] = last[1] === '' ? more : `${last[1]} ${more}`;
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      this.malformed.push(line);
      return;
    }
    const name = line.slice(0, colon).trimEnd();
    if (!isHeaderName(name)) {
      this.malformed.push(line);
      return;
    }
    this.headers.push([name, line.slice(colon + 1).trim()]);
  }
}
