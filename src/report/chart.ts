/**
 * The transactions' round-trip times as a small inline SVG histogram: logarithmic bins (four a decade) between
 * the smallest and the largest RTT, one bar each with its count in a `<title>`, and p50 / p95 / max below.
 */
import { recordIndex, type RecordSource } from '../export/record-index.js';
import { percentile } from '../export/summary.js';
import { fmtMs } from '../format/format.js';
import { escapeHtml } from './escape.js';

export interface RttStats {
  count: number;
  p50: number;
  p95: number;
  max: number;
  min: number;
}

export function rttValues(source: RecordSource): number[] {
  const out: number[] = [];
  for (const ms of recordIndex(source).transactionRtts()) if (ms !== null && Number.isFinite(ms) && ms >= 0) out.push(ms);
  return out.sort((a, b) => a - b);
}

export function rttStats(sorted: readonly number[]): RttStats | null {
  if (sorted.length === 0) return null;
  return { count: sorted.length, min: sorted[0] ?? 0, p50: percentile(sorted, 50) ?? 0, p95: percentile(sorted, 95) ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

export interface Bin {
  from: number;
  to: number;
  count: number;
}

/** Logarithmic bins, four a decade, covering the values (0 ms values go to the first bin). */
export function rttBins(sorted: readonly number[]): Bin[] {
  if (sorted.length === 0) return [];
  const PER = 4;
  const positive = sorted.filter((v) => v > 0);
  const lo = Math.floor(Math.log10(positive[0] ?? 0.001) * PER);
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(positive[positive.length - 1] ?? 0.001) * PER + 1e-9));
  const bins: Bin[] = [];
  for (let i = lo; i < hi; i++) bins.push({ from: 10 ** (i / PER), to: 10 ** ((i + 1) / PER), count: 0 });
  for (const v of sorted) {
    const i = v <= 0 ? 0 : Math.min(bins.length - 1, Math.max(0, Math.floor(Math.log10(v) * PER + 1e-9) - lo));
    const b = bins[i];
    if (b !== undefined) b.count++;
  }
  return bins;
}

/** The histogram as an SVG element (empty text when there is no RTT). */
export function rttChart(sorted: readonly number[]): string {
  const bins = rttBins(sorted);
  const stats = rttStats(sorted);
  if (bins.length === 0 || stats === null) return '<p class="dim">No transaction got a response: no round-trip time to show.</p>';
  const W = 640;
  const H = 180;
  const left = 44;
  const bottom = H - 40;
  const plotH = bottom - 12;
  const bw = (W - left - 10) / bins.length;
  const most = bins.reduce((m, b) => Math.max(m, b.count), 0);
  const o: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="RTT histogram">`];
  o.push(`<line class="axis" x1="${left}" y1="${bottom}" x2="${W - 6}" y2="${bottom}"/><line class="axis" x1="${left}" y1="12" x2="${left}" y2="${bottom}"/>`);
  o.push(`<text class="tick" x="${left - 6}" y="16" text-anchor="end">${most}</text><text class="tick" x="${left - 6}" y="${bottom}" text-anchor="end">0</text>`);
  const every = Math.max(1, Math.ceil(64 / bw));
  bins.forEach((b, i) => {
    const h = most === 0 ? 0 : Math.max(b.count > 0 ? 1 : 0, (b.count / most) * plotH);
    const x = left + i * bw + 1;
    o.push(`<g class="bar"><title>${escapeHtml(`${fmtMs(b.from)} – ${fmtMs(b.to)}: ${b.count} transaction${b.count === 1 ? '' : 's'}`)}</title>`);
    o.push(`<rect x="${x.toFixed(1)}" y="${(bottom - h).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h.toFixed(1)}"/></g>`);
    if (i % every === 0) o.push(`<text class="tick" x="${x.toFixed(1)}" y="${bottom + 14}">${escapeHtml(fmtMs(b.from))}</text>`);
  });
  o.push(`<text class="tick" x="${left}" y="${H - 6}">RTT (log scale) · ${stats.count} transactions · p50 ${escapeHtml(fmtMs(stats.p50))} · p95 ${escapeHtml(fmtMs(stats.p95))} · max ${escapeHtml(fmtMs(stats.max))}</text>`);
  o.push('</svg>');
  return o.join('');
}
