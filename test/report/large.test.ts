/**
 * A capture of 10,000 messages: the report stays small enough to open, and the page shows a bounded part of
 * it at first (tables paged, diagrams drawn on open, a diagram's rows paged).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, count, dumpDom, manyMessagesCapture, run } from './helpers.js';
import { buildJsonDocument } from '../../src/export/json.js';
import { messageTableSource } from '../../src/report/tables.js';
import type { TableData } from '../../src/report/types.js';
import { runCapture } from '../helpers/run-pipeline.js';

const N = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'msrpscope-report-large-'));
const pcap = join(dir, 'many.pcap');
const html = join(dir, 'many.html');

describe('report of 10,000 messages', () => {
  beforeAll(() => {
    writeFileSync(pcap, manyMessagesCapture(N));
    const r = run([pcap, '--html', html]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`wrote report ${html} (1 session, ${N} messages)\n`);
    expect(r.status).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a file of a few megabytes', () => {
    const size = statSync(html).size;
    expect(size).toBeGreaterThan(100_000);
    // About 850 bytes a message (the capture itself is about 500): the diagram's rows with their chunks, and the table.
    expect(size).toBeLessThan(12 * 1024 * 1024);
  });

  it('embeds every message as a row of data, written row by row, as the table of the document has them', async () => {
    const page = readFileSync(html, 'utf8');
    const m = /<script type="application\/json" id="data-messages">(.*?)<\/script>/s.exec(page);
    expect(m).not.toBeNull();
    const data = JSON.parse(m![1]!) as TableData;
    // What the CLI's --html has the model keep: previews for the text, every transaction.
    const { store } = await runCapture(pcap, { hashBodies: false, keepPreviews: 'text' });
    const t = messageTableSource(buildJsonDocument(store.view()));
    const table: TableData = { columns: t.columns, numeric: t.numeric, wrap: t.wrap, rows: [...t.rows()] };
    expect(table.rows.length).toBe(N);
    expect(data).toEqual(table);
  }, 60_000);

  it.skipIf(chromium() === undefined)('renders a bounded DOM at first and a bounded diagram when opened', () => {
    const dom = dumpDom(html);
    expect(count(dom, /<tr[ >]/)).toBeLessThan(2000);
    expect(count(dom, /<g class="arrow/)).toBe(0);
    expect(dom).toMatch(/1–200 of 10000 messages/);
    const open = dumpDom(html, '#session-0');
    const arrows = count(open, /<g class="arrow/);
    expect(arrows).toBeGreaterThan(0);
    expect(arrows).toBeLessThanOrEqual(400);
    expect(open).toMatch(/1–400 of 10000 rows/);
    // A later page of the messages table, drawn by the page's script from the embedded rows.
    const page = dumpDom(html, '#messages/3');
    expect(page).toMatch(/401–600 of 10000 messages/);
    expect(page).toMatch(/<tr><td class="num">400<\/td>/);
    expect(page).not.toMatch(/<tr><td class="num">399<\/td>/);
    expect(count(page, /<tr[ >]/)).toBeLessThan(2000);
  }, 180_000);
});
