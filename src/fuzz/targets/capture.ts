/** Capture reader: damaged pcap / pcapng files, pushed whole and in random pieces (results must agree). */
import { CaptureError } from '../../capture/errors.js';
import { CaptureParser } from '../../capture/parser.js';
import type { Diagnostic } from '../../util/diagnostics.js';
import { corruptLengthField, damageFile, mutateRecords, writeRandomCapture } from '../capture-mutate.js';
import { Checker } from '../check.js';
import { mutate, randomSplit } from '../mutate.js';
import type { Rng } from '../rng.js';
import type { SeedPool } from '../seeds.js';
import type { FuzzTarget } from '../target.js';

const PCAP_MAGICS = [0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1];

function generate(rng: Rng, pool: SeedPool): Buffer {
  const r = rng.int(10);
  if (r < 1 || pool.captures.length === 0) {
    // A valid magic, then random bytes.
    const magic = Buffer.alloc(4);
    if (rng.chance(0.5)) magic.writeUInt32LE(rng.pick(PCAP_MAGICS), 0);
    else magic.writeUInt32LE(0x0a0d0d0a, 0);
    return Buffer.concat([magic, rng.bytes(rng.smallLength(4096))]);
  }
  const seed = rng.pick(pool.captures);
  if (r < 3 && pool.files.length > 0) return corruptLengthField(rng.pick(pool.files).bytes, rng);
  if (r < 5 && pool.files.length > 0) return mutate(rng.pick(pool.files).bytes, rng, 3);
  const recs = mutateRecords(seed, rng).slice(0, 200);
  return damageFile(writeRandomCapture(seed.linkTypes, recs, rng), rng);
}

interface ParseLog {
  text: string;
  error: string | undefined;
}

function parse(pieces: Buffer[], diag: (d: Diagnostic) => void): ParseLog {
  const parser = new CaptureParser({ onDiagnostic: diag });
  const lines: string[] = [];
  let error: string | undefined;
  try {
    for (const p of pieces) {
      for (const rec of parser.push(p)) {
        lines.push(`${rec.frame} ${rec.tsSec}.${rec.tsNsec} ${rec.linkType} ${rec.interfaceId} ${rec.originalLength} ${rec.data.toString('hex')}`);
      }
    }
    parser.end();
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    error = e.message;
  }
  const info = parser.info;
  lines.push(`info ${info.format} ${info.packets} ${info.bytes} ${info.truncated} ${info.linkTypes.join(',')} ${info.timestampDigits}`);
  return { text: lines.join('\n'), error };
}

export const captureTarget: FuzzTarget = {
  name: 'capture',
  description: 'CaptureParser: damaged pcap/pcapng files, whole vs random pieces',
  generate,
  run(input: Buffer, rng: Rng) {
    const check = new Checker();
    const whole: Diagnostic[] = [];
    const split: Diagnostic[] = [];
    const a = parse([input], (d) => {
      whole.push(d);
      check.diagnostic(d);
    });
    const b = parse(randomSplit(input, rng), (d) => split.push(d));
    check.expect(a.error === b.error, `CaptureError differs by split: "${a.error}" vs "${b.error}"`);
    check.expect(a.text === b.text, 'records differ by split');
    const dtext = (l: Diagnostic[]): string => l.map((d) => `${d.code} ${d.frame} ${d.offset} ${d.detail}`).join('\n');
    check.expect(dtext(whole) === dtext(split), 'diagnostics differ by split');
    return check.finish();
  },
};
