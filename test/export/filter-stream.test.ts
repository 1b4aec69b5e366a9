/**
 * Filtering without building the whole document: filteredSections (what --json writes with a filter) and
 * filteredSummaryInput (what --summary reads) give exactly what filterDocument of the whole document gives.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../../src/cli/pipeline.js';
import { Correlator } from '../../src/model/correlator.js';
import { buildJsonDocument, documentFromSections, jsonSectionChunks } from '../../src/export/json.js';
import { filterDocument, filteredSections, type RecordFilter } from '../../src/export/filter.js';
import { filteredSummaryInput } from '../../src/export/summary-input.js';
import { renderSummary } from '../../src/export/summary.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CAPTURES = [join(ROOT, 'samples', 'chat.pcapng'), join(ROOT, '..', 'shared', 'corpus', 'relay_abort_fail.pcap'), join(ROOT, '..', 'shared', 'corpus', 'relay_many.pcapng')].filter((f) => existsSync(f));

const FILTERS: RecordFilter[] = [
  { method: 'SEND' },
  { method: 'REPORT' },
  { method: 'AUTH' },
  { states: ['aborted'] },
  { delivery: ['failed'] },
  { session: '0' },
  { connection: 1 },
  { address: '127.0.0.1', port: 2865 },
  { states: ['complete'], delivery: ['delivered'], method: 'SEND' },
  { message: 'no-such-message' },
];

async function model(file: string): Promise<Correlator> {
  const m = new Correlator({ hashBodies: true, retainTransactions: true, keepPreviews: 'text' });
  await runPipeline({ sources: [{ name: file, input: file }], model: m });
  return m;
}

describe('filtering from the model, record by record', () => {
  it.each(CAPTURES.map((f) => [f.slice(f.lastIndexOf('/') + 1), f]))('%s: the same document, text and summary as filterDocument', async (_name, file) => {
    const m = await model(file);
    const whole = buildJsonDocument(m.view());
    let kept = 0;
    for (const f of FILTERS) {
      const expected = filterDocument(whole, f);
      kept += expected.transactions.length;
      expect(documentFromSections(filteredSections(m.view(), f))).toEqual(expected);
      expect([...jsonSectionChunks(filteredSections(m.view(), f))].join('')).toBe(JSON.stringify(expected, null, 2));
      const style = { color: false, columns: 120 };
      expect(renderSummary(filteredSummaryInput(m.view(), f), style)).toBe(renderSummary(expected, style));
    }
    // The filters select something on every capture (a comparison of empty documents would prove little).
    expect(kept).toBeGreaterThan(0);
  });
});
