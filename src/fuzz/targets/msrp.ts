/**
 * MSRP framer: damaged MSRP streams (from the seed captures and templates) pushed whole and in random
 * pieces, with the same gaps at the same stream offsets: frames, body bytes and diagnostics must agree.
 * Every frame's headers go through parseTypedHeaders and every path URI through parseMsrpUri.
 */
import { createHash } from 'node:crypto';
import { parseTypedHeaders } from '../../msrp/headers.js';
import { MsrpParser } from '../../msrp/parser.js';
import type { MsrpFrame, MsrpParserOptions } from '../../msrp/types.js';
import { parseMsrpUri } from '../../msrp/uri.js';
import type { FrameRef } from '../../capture/types.js';
import { Checker } from '../check.js';
import { DICTIONARY, insertAt, mutate, randomSplit, splice } from '../mutate.js';
import type { Rng } from '../rng.js';
import { streamsOf, type SeedPool } from '../seeds.js';
import type { FuzzTarget } from '../target.js';

const REF: FrameRef = { frame: 1, tsSec: 1, tsNsec: 0 };

export function generateStream(rng: Rng, seeds: Buffer[], maxLen = 32 * 1024): Buffer {
  if (seeds.length === 0 || rng.chance(0.05)) return rng.bytes(rng.smallLength(2048));
  let s = rng.pick(seeds);
  if (s.length > maxLen) {
    const at = rng.int(s.length - maxLen);
    s = s.subarray(at, at + maxLen);
  }
  if (rng.chance(0.1)) s = splice(s, rng.pick(seeds).subarray(0, maxLen), rng);
  if (rng.chance(0.1)) {
    // Many dictionary tokens in a row: header storms, nested start-lines, end-line look-alikes.
    for (let i = rng.int(32); i > 0; i--) s = insertAt(s, rng.int(s.length + 1), Buffer.from(rng.pick(DICTIONARY), 'latin1'));
  }
  return rng.chance(0.85) ? mutate(s, rng, 5) : Buffer.from(s);
}

interface Plan {
  opts: MsrpParserOptions;
  /** Stream offsets where a gap of the given length is reported. */
  gaps: Array<{ at: number; length: number }>;
}

function plan(input: Buffer, rng: Rng): Plan {
  const opts: MsrpParserOptions = {
    connection: 0,
    dir: 0,
    hashBodies: rng.chance(0.5),
    startInSync: rng.chance(0.5),
    previewBytes: rng.pick([0, 16, 256]),
  };
  if (rng.chance(0.3)) {
    opts.maxHeaderLine = rng.pick([16, 40, 100]);
    opts.maxStartLine = rng.pick([16, 40, 1024]);
    opts.maxHeaderBlock = rng.pick([16, 200, 65536]);
  }
  const gaps: Array<{ at: number; length: number }> = [];
  if (rng.chance(0.2)) {
    for (let i = rng.int(3); i >= 0; i--) gaps.push({ at: rng.int(input.length + 1), length: rng.pick([1, 7, 1000, 2 ** 32]) });
    gaps.sort((a, b) => a.at - b.at);
  }
  return { opts, gaps };
}

interface RunLog {
  text: string;
  frames: MsrpFrame[];
}

function runOnce(input: Buffer, p: Plan, pieces: (b: Buffer) => Buffer[], check: Checker | undefined): RunLog {
  const lines: string[] = [];
  const frames: MsrpFrame[] = [];
  let bodyLen = 0;
  let hash = createHash('sha256');
  const parser = new MsrpParser(
    {
      message(m) {
        frames.push(m);
        lines.push(
          `M ${m.kind} ${m.transactionId} ${m.method} ${m.status} ${JSON.stringify(m.comment)} ${JSON.stringify(m.headers)} ` +
            `${m.bodyLength} ${m.hasBody} ${m.flag} ${m.truncated} ${m.startOffset}-${m.endOffset} ${m.lfOnly} ` +
            `${m.bodyPreview.toString('hex')} ${m.bodySha256}`,
        );
        if (check) {
          check.expect(bodyLen === m.bodyLength, `frame ${m.transactionId}: body slices ${bodyLen} bytes, bodyLength ${m.bodyLength}`);
          const h = hash.digest('hex');
          if (m.bodySha256 !== undefined && m.hasBody) check.expect(h === m.bodySha256, `frame ${m.transactionId}: sha256 differs from the slices`);
          check.expect(m.startOffset <= m.endOffset, `frame ${m.transactionId}: start ${m.startOffset} after end ${m.endOffset}`);
        }
        bodyLen = 0;
        hash = createHash('sha256');
      },
      head(m) {
        lines.push(`H ${m.transactionId}`);
        bodyLen = 0;
        hash = createHash('sha256');
      },
      body(slice) {
        bodyLen += slice.length;
        hash.update(slice);
      },
      diagnostic(d) {
        check?.diagnostic(d);
        lines.push(`D ${d.code} ${d.offset} ${d.detail}`);
      },
      sync(offset) {
        lines.push(`S ${offset}`);
      },
    },
    p.opts,
  );
  let pos = 0;
  for (const g of p.gaps) {
    for (const piece of pieces(input.subarray(pos, g.at))) parser.push(piece, REF);
    parser.gap(g.length, REF);
    pos = g.at;
  }
  for (const piece of pieces(input.subarray(pos))) parser.push(piece, REF);
  parser.end();
  lines.push(`skipped ${parser.bytesSkipped} offset ${parser.offset}`);
  return { text: lines.join('\n'), frames };
}

export const msrpTarget: FuzzTarget = {
  name: 'msrp',
  description: 'MsrpParser (+ parseTypedHeaders, parseMsrpUri): damaged MSRP streams, whole vs random pieces, gaps',
  generate(rng: Rng, pool: SeedPool) {
    return generateStream(rng, streamsOf(pool, 'msrp'));
  },
  run(input: Buffer, rng: Rng) {
    const check = new Checker();
    const p = plan(input, rng);
    const whole = runOnce(input, p, (b) => [b], check);
    const split = runOnce(input, p, (b) => randomSplit(b, rng), undefined);
    if (whole.text !== split.text) {
      const a = whole.text.split('\n');
      const b = split.text.split('\n');
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      check.problem(`results differ by split at line ${i}: "${(a[i] ?? '').slice(0, 160)}" vs "${(b[i] ?? '').slice(0, 160)}"`);
    }
    const skippedLine = whole.text.slice(whole.text.lastIndexOf('\n') + 1);
    const skipped = Number(skippedLine.split(' ')[1]);
    check.expect(skipped <= input.length, `bytesSkipped ${skipped} exceeds the ${input.length} bytes pushed`);
    for (const m of whole.frames) {
      // Problem details are raw here (checkConformance escapes them when it makes diagnostics).
      parseTypedHeaders(m.headers);
      for (const h of m.headers) {
        const n = h.name.toLowerCase();
        if (n === 'to-path' || n === 'from-path' || n === 'use-path') {
          for (const u of h.value.split(/[ \t]+/)) if (u !== '') parseMsrpUri(u);
        }
      }
    }
    return check.finish();
  },
};
