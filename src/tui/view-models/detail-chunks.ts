/**
 * The Chunks section of a message's detail: every chunk's SEND transaction on every hop (transaction id,
 * Byte-Range, end flag, frames, response and its time), bounded for messages of thousands of chunks.
 */
import type { JsonMessage, JsonTransaction } from '../../export/json-types.js';
import { legSends } from './chunks.js';
import { frames, line1, rangeText, type Section } from './detail-format.js';
import { fmtMs, isFailure } from './format.js';
import { seg, type Line } from './line.js';
import { displayWidth, fit } from './text-width.js';

/** Chunks listed from the start of a leg, then from its end (where an abort or the last chunk is). */
export const CHUNKS_HEAD = 40;
export const CHUNKS_TAIL = 10;
const TXID_WIDTH = 16;

function chunkLine(t: JsonTransaction, n: number, numWidth: number, idWidth: number, rangeWidth: number): Line {
  const req = t.request;
  const flag = req === null ? '?' : (req.flag ?? '…');
  const l: Line = [
    seg(`${String(n).padStart(numWidth)}  `, 'dim'),
    seg(`${fit(t.transactionId, idWidth)}  ${fit(rangeText(t.byteRange), rangeWidth)} `),
    seg(flag, flag === '#' ? 'fail' : flag === '$' ? undefined : flag === '+' ? undefined : 'warn'),
    seg(`  ${req === null ? 'request not seen' : frames(req.at.frame, req.lastFrame)}`, 'dim'),
  ];
  if (req?.truncated === true) l.push(seg(' (cut)', 'warn'));
  const rsp = t.response;
  if (rsp !== null) {
    l.push(seg('  '), seg(`${rsp.status}${rsp.comment === '' ? '' : ` ${rsp.comment}`}`, isFailure(rsp.status) ? 'fail' : 'ok'));
    l.push(seg(`${t.rttMs === null ? '' : ` · ${fmtMs(t.rttMs)}`} (frame ${rsp.at.frame})`, 'dim'));
  } else if (t.expects === 'response') {
    l.push(seg('  no response', 'warn'));
  }
  return l;
}

/** One block per hop: a title line, then one line per chunk (the first CHUNKS_HEAD and last CHUNKS_TAIL). */
export function chunksSection(m: JsonMessage, txs: readonly JsonTransaction[]): Section {
  const lines: Line[] = [];
  m.legs.forEach((leg, i) => {
    const sends = legSends(txs, leg);
    lines.push([
      seg(`hop ${i}`, 'head'),
      seg(`  conn ${leg.connection} ${leg.direction}  ${leg.from} → ${leg.to}`),
      seg(`  ${sends.length} chunk${sends.length === 1 ? '' : 's'}`, 'dim'),
    ]);
    if (sends.length === 0) {
      lines.push(line1('    no SEND transaction in the capture', 'dim'));
      return;
    }
    const cut = sends.length > CHUNKS_HEAD + CHUNKS_TAIL;
    const shown: Array<[JsonTransaction, number]> = [];
    sends.forEach((t, k) => {
      if (!cut || k < CHUNKS_HEAD || k >= sends.length - CHUNKS_TAIL) shown.push([t, k + 1]);
    });
    const numWidth = String(sends.length).length;
    const idWidth = Math.min(TXID_WIDTH, Math.max(...shown.map(([t]) => displayWidth(t.transactionId))));
    const rangeWidth = Math.max(...shown.map(([t]) => rangeText(t.byteRange).length));
    for (const [t, n] of shown) {
      if (cut && n === sends.length - CHUNKS_TAIL + 1) {
        const hidden = sends.length - CHUNKS_HEAD - CHUNKS_TAIL;
        lines.push(line1(`    … ${hidden} more chunks (unfold the message in the ladder to see every one)`, 'dim'));
      }
      lines.push([seg('    '), ...chunkLine(t, n, numWidth, idWidth, rangeWidth)]);
    }
  });
  if (lines.length === 0) lines.push(line1('no leg', 'dim'));
  return { title: 'Chunks', lines };
}
