/**
 * The HTML report in a real browser: headless Chromium renders the page of a corpus capture (the DOM after its
 * script ran, and a screenshot kept in test-artifacts/report.png). Skipped without the corpus or Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonDocument, JsonTransaction } from '../../src/export/json-types.js';
import { ROOT, CORPUS } from '../tui/fixtures.js';
import { chromium, count, dumpDom, HOSTILE_BODY, hostileCapture, run, screenshot } from './helpers.js';

const CAPTURE = join(CORPUS, 'relay_abort_fail.pcap');
const HAVE = existsSync(CAPTURE) && chromium() !== undefined;
const dir = mkdtempSync(join(tmpdir(), 'msrpscope-report-'));
const html = join(dir, 'report.html');

/** The transactions a session's diagram draws: its own, and the AUTH exchanges of its endpoints. */
function drawnTransactions(doc: JsonDocument, session: number): JsonTransaction[] {
  const s = doc.sessions[session]!;
  const ends = new Set(s.endpoints.map((e) => e.uri.trim().toLowerCase()));
  const ids = new Set(doc.transactions.filter((t) => t.session === session).map((t) => t.id));
  for (const a of doc.auth) if (ends.has(a.client.trim().toLowerCase())) for (const at of a.attempts) ids.add(at.transaction);
  return doc.transactions.filter((t) => ids.has(t.id));
}

/** The markup of the element with this id (up to the end of the first element of that tag closing it). */
function element(dom: string, id: string, tag: string): string {
  const start = dom.indexOf(`id="${id}"`);
  if (start < 0) return '';
  const end = dom.indexOf(`</${tag}>`, start);
  return dom.slice(start, end);
}

describe.skipIf(!HAVE)('HTML report in Chromium', () => {
  let doc: JsonDocument;
  beforeAll(() => {
    const r = run([CAPTURE, '--html', html]);
    expect(r.status).toBe(0);
    doc = JSON.parse(run([CAPTURE, '--json']).stdout) as JsonDocument;
    expect(r.stdout).toBe(`wrote report ${html} (${doc.sessions.length} sessions, ${doc.messages.length} messages)\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the capture, every session, the failed message and loads nothing', () => {
    const dom = dumpDom(html);
    const sessions = element(dom, 'table-sessions', 'table');
    expect(count(sessions, /<a href="#session-\d+">/)).toBe(doc.sessions.length);
    expect(element(dom, 'facts', 'table')).toContain(`<td>${doc.capture.packets}</td>`);
    // relay_abort_fail: one message aborted by its sender, shown as a failed row.
    const aborted = doc.messages.filter((m) => m.state === 'aborted');
    expect(aborted).toHaveLength(1);
    const messages = element(dom, 'table-messages', 'table');
    expect(messages).toMatch(new RegExp(`<tr class="row-fail"><td class="num">${aborted[0]!.id}</td>(?:(?!</tr>).)*aborted at 16384 of 60000 B`));
    expect(count(messages, /<tr class="row-fail">/)).toBe(doc.messages.filter((m) => m.state === 'aborted' || m.delivery.state === 'failed').length);
    // The RTT histogram and the diagnostics.
    expect(dom).toMatch(/<svg [^>]*class="chart"/);
    expect(element(dom, 'table-diagnostics', 'table')).toContain('malformed-header-line');
    // Nothing from the network: no element with a source, no stylesheet link, links only inside the page.
    expect(dom).not.toMatch(/<(img|iframe|link|object|embed|video|audio|source)\b/i);
    expect(dom).not.toMatch(/<[a-zA-Z][^<>]*\s(src|srcset|xlink:href)=/);
    for (const [, href] of dom.replace(/<script>[\s\S]*?<\/script>/, '').matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^#/);
  });

  it('draws an arrow per transaction part of a session, failures red', () => {
    const txs = drawnTransactions(doc, 0);
    // Folded: every transaction drawn once (a message leg's chunks and REPORTs share one arrow).
    const folded = element(dumpDom(html, '#session-0'), 'session-0', 'details');
    const drawn = new Set<number>();
    for (const [, ids] of folded.matchAll(/<g class="arrow[^"]*" data-tx="([\d ]*)"/g)) for (const id of (ids ?? '').split(' ')) if (id !== '') drawn.add(Number(id));
    expect([...drawn].sort((a, b) => a - b)).toEqual(txs.map((t) => t.id).sort((a, b) => a - b));
    // Three hops of the aborted message, red.
    expect(count(folded, /<g class="arrow fail folded"[^>]*>(?:(?!<\/g>).)*aborted at 16384 of 60000 B/)).toBe(3);
    // Unfolded: one arrow per request and per response.
    const open = element(dumpDom(html, '#session-0/unfold'), 'session-0', 'details');
    const parts = txs.reduce((n, t) => n + (t.request === null ? 0 : 1) + (t.response === null ? 0 : 1), 0);
    expect(count(open, /<g class="arrow [a-z]+ plain/)).toBe(parts);
    const failed = txs.filter((t) => t.response !== null && t.response.status >= 300).length;
    expect(count(open, /<g class="arrow fail plain[^"]*"[^>]*><title>[^<]*<\/title>(?:(?!<\/g>).)*<tspan class="st-fail">[3-6]\d\d /)).toBe(failed);
    expect(open).toMatch(/<title>SEND [^<]*RTT [\d.]+ ms<\/title>/);
  });

  it('keeps a screenshot (test-artifacts/report.png)', () => {
    const out = join(ROOT, 'test-artifacts');
    mkdirSync(out, { recursive: true });
    const png = join(out, 'report.png');
    screenshot(html, '#open=session-0', png);
    expect(statSync(png).size).toBeGreaterThan(20_000);
  });

  it('renders crafted capture strings as text, never as markup', () => {
    const pcap = join(dir, 'hostile.pcap');
    const page = join(dir, 'hostile.html');
    writeFileSync(pcap, hostileCapture());
    expect(run([pcap, '--html', page]).status).toBe(0);
    const dom = dumpDom(page, '#session-0/unfold');
    expect(dom).toMatch(/<title>msrpscope report: [^<]*<\/title>/);
    expect(dom).not.toContain('pwned</title>');
    expect(dom).not.toMatch(/<img/i);
    expect(count(dom, /<script>/)).toBe(1);
    // The body's preview is in the message table as text.
    expect(dom).toContain('&lt;/script&gt;&lt;script&gt;document.title=');
    expect(HOSTILE_BODY).toContain('</script>');
    // The 415 comment is in the diagram as text.
    expect(dom).toContain('415 &lt;img src=x onerror=alert(1)&gt;');
  });
});
