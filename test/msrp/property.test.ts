import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MSRP_CODES } from '../../src/msrp/diagnostics.js';
import { comparable, parseSplit, parseWhole, runParser, type Collected } from './helpers.js';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const KNOWN_CODES = new Set(MSRP_CODES.map((c) => c.code));

interface GenMessage {
  text: string;
  body: string | undefined;
  txid: string;
}

const txidArb = fc.string({ unit: fc.constantFrom(...ALNUM.split('')), minLength: 4, maxLength: 14 });

/** Body material that looks like framing: CR, LF, dashes, other end-lines, `MSRP` words not at line starts. */
const bodyPiece = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', ' ', '-', '\r', '\n', '$', '+', '#', 'M', 'S'), maxLength: 12 }),
  txidArb.map((t) => `\r\n-------${t}$\r\n`),
  txidArb.map((t) => `\n-------${t}+`),
  fc.constantFrom('\r\n', '\r', '\n', '-------', 'x MSRP abcd SEND\r\n', '\u00e9\u20ac'),
);
const bodyArb = fc.array(bodyPiece, { maxLength: 8 }).map((p) => p.join(''));

const headerArb = fc.tuple(
  fc.constantFrom('Message-ID', 'Byte-Range', 'X-Thing', 'Success-Report', 'content-id', 'Status'),
  fc.string({ unit: fc.constantFrom('1', '-', '/', '*', 'a', ' ', 'y', ':', '"'), maxLength: 10 }),
);

const messageArb: fc.Arbitrary<GenMessage> = fc
  .record({
    txid: txidArb,
    kind: fc.constantFrom('SEND', 'REPORT', 'AUTH', 'NICKNAME', 'FOO', '200', '403 Forbidden', '481 No session here'),
    headers: fc.array(headerArb, { maxLength: 4 }),
    body: fc.option(bodyArb, { nil: undefined }),
    flag: fc.constantFrom('$', '+', '#'),
    lfOnly: fc.boolean(),
  })
  .filter((r) => r.body === undefined || !r.body.includes('-------' + r.txid))
  .filter((r) => r.body === undefined || !r.lfOnly || !r.body.endsWith('\r'))
  .map((r) => {
    const eol = r.lfOnly ? '\n' : '\r\n';
    let text = `MSRP ${r.txid} ${r.kind}${eol}To-Path: msrp://a.example:1/s;tcp${eol}From-Path: msrp://b.example:2/t;tcp${eol}`;
    for (const [n, v] of r.headers) text += `${n}: ${v.trim()}${eol}`;
    if (r.body !== undefined) text += `Content-Type: text/plain${eol}${eol}${r.body}${eol}`;
    text += `-------${r.txid}${r.flag}${eol}`;
    return { text, body: r.body, txid: r.txid };
  });

const streamArb = fc.array(messageArb, { minLength: 1, maxLength: 5 });

/** Sorted cut offsets within 0..len. */
function cutsArb(len: number): fc.Arbitrary<number[]> {
  return fc.uniqueArray(fc.integer({ min: 0, max: len }), { maxLength: 12 }).map((a) => a.sort((x, y) => x - y));
}

function summary(c: Collected) {
  return {
    frames: c.frames.map(comparable),
    bodies: c.bodies.map((b) => b.toString('latin1')),
    diagnostics: c.diagnostics.map((d) => [d.code, d.severity, d.offset, d.detail]),
    skipped: c.bytesSkipped,
  };
}

function concatText(ms: GenMessage[]): Buffer {
  return Buffer.from(ms.map((m) => m.text).join(''), 'utf8');
}

/** Every byte is inside exactly one reported message or was skipped. */
function expectCoverage(c: Collected, total: number): void {
  let covered = 0;
  let prevEnd = 0;
  for (const m of c.frames) {
    expect(m.startOffset).toBeGreaterThanOrEqual(prevEnd);
    expect(m.endOffset).toBeGreaterThan(m.startOffset);
    covered += m.endOffset - m.startOffset;
    prevEnd = m.endOffset;
  }
  expect(prevEnd).toBeLessThanOrEqual(total);
  expect(covered + c.bytesSkipped).toBe(total);
  for (const d of c.diagnostics) expect(KNOWN_CODES.has(d.code), d.code).toBe(true);
}

describe('property: split invariance', () => {
  it('any split of a valid stream gives the same messages, bodies, diagnostics', () => {
    fc.assert(
      fc.property(
        streamArb.chain((ms) => fc.tuple(fc.constant(ms), cutsArb(concatText(ms).length))),
        ([ms, cuts]) => {
          const data = concatText(ms);
          const whole = parseWhole(data);
          expect(whole.frames.length).toBe(ms.length);
          expect(whole.frames.every((f) => !f.truncated)).toBe(true);
          expect(whole.bytesSkipped).toBe(0);
          ms.forEach((m, i) => {
            expect(whole.frames[i]!.transactionId).toBe(m.txid);
            expect(whole.bodies[i]!.toString('utf8')).toBe(m.body ?? '');
            expect(whole.frames[i]!.hasBody).toBe(m.body !== undefined);
          });
          expect(summary(parseSplit(data, cuts))).toEqual(summary(whole));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('property: frame references', () => {
  it('first/last frame of every message depend on the frames, not on how a frame is pushed', () => {
    fc.assert(
      fc.property(
        streamArb.chain((ms) => {
          const len = concatText(ms).length;
          return fc.tuple(fc.constant(ms), cutsArb(len), cutsArb(len));
        }),
        ([ms, frameCuts, extraCuts]) => {
          const data = concatText(ms);
          // Frame k carries data[frameCuts[k-1]..frameCuts[k]); pushes may cut a frame further.
          const bounds = [0, ...frameCuts.filter((c) => c > 0 && c < data.length), data.length];
          const frameAt = (off: number) => bounds.findIndex((b, i) => off >= b && off < bounds[i + 1]!) + 1;
          const pushesOf = (cuts: number[]) => {
            const all = [...new Set([...bounds, ...cuts])].sort((a, b) => a - b);
            const steps = [];
            for (let i = 0; i + 1 < all.length; i++) {
              if (all[i + 1]! > all[i]!) steps.push({ data: data.subarray(all[i]!, all[i + 1]!), frame: frameAt(all[i]!) });
            }
            return steps;
          };
          const a = runParser(pushesOf([]));
          const b = runParser(pushesOf(extraCuts));
          const refs = (c: Collected) => c.frames.map((m) => [m.firstFrame.frame, m.lastFrame.frame]);
          expect(refs(b)).toEqual(refs(a));
          expect(a.frames.map((m) => [m.firstFrame.frame, m.lastFrame.frame])).toEqual(
            a.frames.map((m) => [frameAt(m.startOffset), frameAt(m.endOffset - 1)]),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('property: resync', () => {
  const garbageArb = fc
    .uint8Array({ maxLength: 300 })
    .map((u) => Buffer.from(u))
    .filter((b) => !b.includes('MSRP '))
    .map((b) => (b.length === 0 ? b : Buffer.concat([b, Buffer.from('\n')])));

  it('garbage before a stream is skipped and counted exactly', () => {
    fc.assert(
      fc.property(
        garbageArb,
        streamArb,
        fc.integer({ min: 0, max: 1000 }),
        (garbage, ms, cutSeed) => {
          const clean = concatText(ms);
          const data = Buffer.concat([garbage, clean]);
          const r = parseSplit(data, cutSeed % 2 === 0 ? [] : [cutSeed % (data.length + 1)]);
          const ref = parseWhole(clean);
          expect(r.bytesSkipped).toBe(garbage.length);
          expect(r.frames.map((f) => f.startOffset - garbage.length)).toEqual(ref.frames.map((f) => f.startOffset));
          expect(r.bodies.map(String)).toEqual(ref.bodies.map(String));
          expect(r.diagnostics.filter((d) => d.code === 'resync').length).toBe(garbage.length > 0 ? 1 : 0);
          expectCoverage(r, data.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a stream cut at a random offset resyncs to the next message start', () => {
    fc.assert(
      fc.property(
        streamArb.filter((ms) => ms.every((m) => !m.text.slice(1).includes('MSRP '))),
        fc.nat(),
        fc.nat(),
        (ms, cutSeed, splitSeed) => {
          const data = concatText(ms);
          const cut = cutSeed % (data.length + 1);
          const starts: number[] = [];
          let o = 0;
          for (const m of ms) {
            starts.push(o);
            o += Buffer.byteLength(m.text);
          }
          const next = starts.find((s) => s >= cut) ?? data.length;
          const tail = data.subarray(cut);
          const r = parseSplit(tail, [splitSeed % (tail.length + 1)]);
          expect(r.bytesSkipped).toBe(next - cut);
          expect(r.frames.length).toBe(starts.filter((s) => s >= cut).length);
          expect(r.frames.every((f) => !f.truncated)).toBe(true);
          if (r.frames.length > 0) expect(r.frames[0]!.startOffset).toBe(next - cut);
          expectCoverage(r, tail.length);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a gap at a random place truncates or skips, then finds the next message', () => {
    fc.assert(
      fc.property(
        streamArb.filter((ms) => ms.length >= 2 && ms.every((m) => !m.text.slice(1).includes('MSRP '))),
        fc.nat(),
        fc.nat({ max: 40 }),
        (ms, cutSeed, gapLen) => {
          const data = concatText(ms);
          const lastStart = data.length - Buffer.byteLength(ms[ms.length - 1]!.text);
          const cut = cutSeed % lastStart;
          const resume = Math.min(cut + gapLen, lastStart);
          const r = runParser([
            { data: data.subarray(0, cut), frame: 1 },
            { gap: resume - cut, frame: 2 },
            { data: data.subarray(resume), frame: 2 },
          ]);
          // The last message always survives intact at its original offset.
          const last = r.frames[r.frames.length - 1]!;
          expect(last.truncated).toBe(false);
          expect(last.startOffset).toBe(lastStart);
          const covered = r.frames.reduce((s, f) => s + f.endOffset - f.startOffset, 0);
          expect(covered + r.bytesSkipped + (resume - cut)).toBe(data.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('property: robustness', () => {
  it('random bytes never throw, terminate, and every byte is accounted for', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), (u, seed) => {
        const data = Buffer.from(u);
        const r = parseSplit(data, [seed % (data.length + 1)]);
        expectCoverage(r, data.length);
        expect(summary(r)).toEqual(summary(parseWhole(data)));
      }),
      { numRuns: 300 },
    );
  });

  it('mutated messages never throw, give split-independent results, and account for every byte', () => {
    const mutation = fc.tuple(fc.nat(), fc.constantFrom('flip', 'insert', 'delete', 'crlf', 'dash', 'msrp'), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(streamArb, fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.nat(), (ms, muts, seed) => {
        let data = concatText(ms);
        for (const [pos, kind, byte] of muts) {
          const p = pos % (data.length + 1);
          const ins = (s: string) => Buffer.concat([data.subarray(0, p), Buffer.from(s, 'latin1'), data.subarray(p)]);
          if (kind === 'flip' && p < data.length) data[p] = byte;
          else if (kind === 'insert') data = ins(String.fromCharCode(byte));
          else if (kind === 'delete') data = Buffer.concat([data.subarray(0, p), data.subarray(p + 1)]);
          else if (kind === 'crlf') data = ins('\r\n');
          else if (kind === 'dash') data = ins('\r\n-------');
          else data = ins('\nMSRP ');
        }
        const small = { maxStartLine: 64, maxHeaderLine: 80, maxHeaderBlock: 200 };
        for (const opts of [{}, small]) {
          const r = parseSplit(data, [seed % (data.length + 1), (seed >> 3) % (data.length + 1)].sort((a, b) => a - b), opts);
          expectCoverage(r, data.length);
          expect(summary(r)).toEqual(summary(parseWhole(data, opts)));
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('property: cut frames', () => {
  it('a stream ending anywhere: the cut frame keeps its received head, the same for any split', () => {
    fc.assert(
      fc.property(
        streamArb.filter((ms) => ms.every((m) => !m.text.slice(1).includes('MSRP '))),
        fc.nat(),
        fc.nat(),
        (ms, endSeed, splitSeed) => {
          const data = concatText(ms);
          const cutData = data.subarray(0, endSeed % (data.length + 1));
          const whole = parseWhole(cutData);
          const split = parseSplit(cutData, [splitSeed % (cutData.length + 1)]);
          expect(split.frames.map(comparable)).toEqual(whole.frames.map(comparable));
          for (const f of whole.frames) {
            if (!f.truncated) {
              expect(f.cut).toBeUndefined();
              continue;
            }
            const cut = f.cut!;
            expect(cut.reason).toBe('end');
            expect(cut.length).toBe(f.endOffset - f.startOffset);
            // The head is the frame's bytes from its start-line, up to its body (or all of them when cut in the header block).
            const headLen = cut.in === 'body' ? cut.length - cut.bodyLength : cut.length;
            expect(cut.head).toEqual(cutData.subarray(f.startOffset, f.startOffset + headLen));
            expect(cut.bodyLength).toBe(cut.in === 'body' ? f.bodyLength : 0);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
