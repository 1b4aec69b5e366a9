import type { FrameRef } from '../../src/capture/types.js';
import { MsrpParser } from '../../src/msrp/parser.js';
import type { MsrpFrame, MsrpParserOptions } from '../../src/msrp/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';

export interface Collected {
  frames: MsrpFrame[];
  diagnostics: Diagnostic[];
  /** Body of each emitted message, reassembled from sink.body slices. */
  bodies: Buffer[];
  heads: number;
  syncs: number[];
  bytesSkipped: number;
}

export function ref(frame: number): FrameRef {
  return { frame, tsSec: 1_700_000_000 + frame, tsNsec: 0 };
}

/** CRLF line endings for text written with \n. */
export function crlf(s: string): string {
  return s.replace(/\r?\n/g, '\r\n');
}

export type Step = { data: Buffer; frame: number } | { gap: number; frame: number };

/** Runs a parser over pushes (and gaps) and collects everything it reports. */
export function runParser(steps: Step[], opts: Partial<MsrpParserOptions> = {}): Collected {
  const out: Collected = { frames: [], diagnostics: [], bodies: [], heads: 0, syncs: [], bytesSkipped: 0 };
  let pieces: Buffer[] = [];
  const p = new MsrpParser(
    {
      message: (m) => {
        out.frames.push(m);
        out.bodies.push(Buffer.concat(pieces));
        pieces = [];
      },
      head: () => {
        out.heads++;
      },
      body: (slice) => {
        pieces.push(Buffer.from(slice));
      },
      diagnostic: (d) => out.diagnostics.push(d),
      sync: (offset) => out.syncs.push(offset),
    },
    { connection: 0, dir: 0, ...opts },
  );
  for (const s of steps) {
    if ('data' in s) p.push(s.data, ref(s.frame));
    else p.gap(s.gap, ref(s.frame));
  }
  p.end();
  out.bytesSkipped = p.bytesSkipped;
  return out;
}

/** Parses one buffer pushed whole. */
export function parseWhole(data: Buffer | string, opts: Partial<MsrpParserOptions> = {}): Collected {
  const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  return runParser([{ data: b, frame: 1 }], opts);
}

/** Pushes `data` cut at the given offsets (sorted, within 0..length), frame numbers 1, 2, ... */
export function parseSplit(data: Buffer, cuts: number[], opts: Partial<MsrpParserOptions> = {}): Collected {
  const steps: Step[] = [];
  let prev = 0;
  let frame = 1;
  for (const c of [...cuts, data.length]) {
    steps.push({ data: data.subarray(prev, c), frame: frame++ });
    prev = c;
  }
  return runParser(steps, opts);
}

export function codes(c: Collected): string[] {
  return c.diagnostics.map((d) => d.code);
}

/** A frame without its frame references (which legitimately depend on how the bytes were split). */
export function comparable(m: MsrpFrame): Omit<MsrpFrame, 'firstFrame' | 'lastFrame'> {
  const { firstFrame: _f, lastFrame: _l, ...rest } = m;
  return rest;
}
