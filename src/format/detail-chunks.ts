/**
 * The Chunks section of a message's detail: every chunk's SEND transaction on every hop (transaction id,
 * Byte-Range, end flag, frames, response and its time), a page at a time for messages of thousands of chunks.
 */
import type { JsonMessage, JsonTransaction } from '../export/json-types.js';
import { legSends } from './chunks.js';
import { frames, line1, rangeText, type Section } from './detail-format.js';
import { fmtMs, isFailure } from './format.js';
import { seg, type Line } from './line.js';
import { displayWidth, fit } from './text-width.js';

/** Chunks per hop on one page of the section. */
export const CHUNK_PAGE = 50;
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

/** Pages of the Chunks section: the longest hop's chunks, CHUNK_PAGE at a time (at least 1). */
export function chunkPages(m: JsonMessage, txs: readonly JsonTransaction[]): number {
  return pagesOf(m.legs.map((leg) => legSends(txs, leg)));
}

function pagesOf(legs: ReadonlyArray<readonly JsonTransaction[]>): number {
  let most = 0;
  for (const sends of legs) most = Math.max(most, sends.length);
  return Math.max(1, Math.ceil(most / CHUNK_PAGE));
}

/**
 * One block per hop: a title line, then one line per chunk of the page (chunks page·CHUNK_PAGE+1 ..
 * (page+1)·CHUNK_PAGE of every hop, in time order). The title says which page when there are several.
 */
export function chunksSection(m: JsonMessage, txs: readonly JsonTransaction[], page = 0): Section {
  const legSendsOf = m.legs.map((leg) => legSends(txs, leg));
  const pages = pagesOf(legSendsOf);
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  const from = p * CHUNK_PAGE;
  const lines: Line[] = [];
  m.legs.forEach((leg, i) => {
    const sends = legSendsOf[i] ?? [];
    const shown = sends.slice(from, from + CHUNK_PAGE);
    lines.push([
      seg(`hop ${i}`, 'head'),
      seg(`  conn ${leg.connection} ${leg.direction}  ${leg.from} → ${leg.to}`),
      seg(`  ${sends.length} chunk${sends.length === 1 ? '' : 's'}`, 'dim'),
    ]);
    if (sends.length === 0) {
      lines.push(line1('    no SEND transaction in the capture', 'dim'));
      return;
    }
    if (shown.length === 0) {
      lines.push(line1(`    all ${sends.length} on earlier pages`, 'dim'));
      return;
    }
    const numWidth = String(sends.length).length;
    const idWidth = Math.min(TXID_WIDTH, Math.max(...shown.map((t) => displayWidth(t.transactionId))));
    const rangeWidth = Math.max(...shown.map((t) => rangeText(t.byteRange).length));
    shown.forEach((t, k) => lines.push([seg('    '), ...chunkLine(t, from + k + 1, numWidth, idWidth, rangeWidth)]));
  });
  if (lines.length === 0) lines.push(line1('no leg', 'dim'));
  if (pages > 1) lines.unshift(line1(`page ${p + 1} of ${pages}: chunks ${from + 1}–${from + CHUNK_PAGE} of each hop · [ previous page · ] next page`, 'dim'));
  return { title: 'Chunks', lines };
}
