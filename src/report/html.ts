/**
 * The HTML report (`--html FILE`): one self-contained page from the JSON document (the filtered one when a
 * filter is given): capture facts, the sessions table, a sequence diagram per session (drawn in the page
 * when opened, from embedded JSON), the message table with delivery and latency, the RTT histogram,
 * diagnostics and each session's SIP dialog. Nothing is loaded from anywhere: inline CSS, inline SVG and a
 * little script, pinned by a Content-Security-Policy (`default-src 'none'`, the script and stylesheet by hash).
 * Every string of the capture goes through escapeHtml (markup) or jsonForScript (embedded data).
 */
import { createHash } from 'node:crypto';
import { recordIndex, type RecordSource } from '../export/record-index.js';
import { rowFailed, sessionRows } from '../format/session-list.js';
import { rttChart, rttValues } from './chart.js';
import { clientScript, tableRowsHtml } from './client.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { ladderData } from './ladder-data.js';
import { REPORT_CSS } from './style.js';
import { captureFacts, diagnosticTable, messageTableSource, scopeId, sessionTable } from './tables.js';
import type { Row, TableData, TableSource } from './types.js';

export interface ReportOptions {
  /** Shown in the header: what the document was filtered by (already plain text). */
  filter?: string;
}

export interface ReportCounts {
  sessions: number;
  messages: number;
}

/** Rows a table shows at first (and per page). */
export const TABLE_PAGE = 200;
/** Diagrams listed per page. */
export const LADDER_LIST_PAGE = 50;

function hash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** A table held whole, read as a TableSource. */
function whole(t: TableData): TableSource {
  return { columns: t.columns, numeric: t.numeric, wrap: t.wrap, count: t.rows.length, rows: () => t.rows };
}

/**
 * A table shown a page at a time: the first page as HTML, then every row as data for the page's script, written
 * row by row (the text of jsonForScript of the whole table, which is never built).
 */
function pagedTable(write: (s: string) => void, name: string, what: string, t: TableSource): void {
  const pages = Math.ceil(t.count / TABLE_PAGE);
  write(`<div class="paged" data-table="${name}" data-page-size="${TABLE_PAGE}" data-what="${escapeHtml(what)}">`);
  write('<div class="pager">');
  if (t.count > 20) write(`<input type="search" placeholder="filter ${escapeHtml(what)}…" aria-label="filter ${escapeHtml(what)}">`);
  if (pages > 1) write('<button data-act="first">«</button><button data-act="prev" disabled>‹</button><button data-act="next">›</button><button data-act="last">»</button>');
  const shown = Math.min(TABLE_PAGE, t.count);
  write(`<span class="pos">${t.count === 0 ? `no ${escapeHtml(what)}` : `1–${shown} of ${t.count} ${escapeHtml(what)}`}</span></div>`);
  write(`<div class="scroll"><table class="grid" id="table-${name}"><thead><tr>`);
  t.columns.forEach((c, i) => write(`<th${t.numeric.includes(i) ? ' class="num"' : ''}>${escapeHtml(c)}</th>`));
  const first: Row[] = [];
  for (const r of t.rows()) {
    if (first.length === TABLE_PAGE) break;
    first.push(r);
  }
  write(`</tr></thead><tbody>${tableRowsHtml(t, first, 0, TABLE_PAGE)}</tbody></table></div></div>`);
  const head = jsonForScript({ columns: t.columns, numeric: t.numeric, wrap: t.wrap });
  write(`<script type="application/json" id="data-${name}">${head.slice(0, -1)},"rows":[`);
  let n = 0;
  for (const r of t.rows()) write(`${n++ === 0 ? '' : ','}${jsonForScript(r)}`);
  write(']}</script>\n');
}

/**
 * Writes the report page through `write`; returns what it shows. From a document, or from a model index
 * (src/export/model-index.ts), which makes each session's records as its row and diagram are written.
 */
export function writeHtmlReport(source: RecordSource, write: (s: string) => void, opts: ReportOptions = {}): ReportCounts {
  const ix = recordIndex(source);
  const doc = ix.head;
  const script = clientScript();
  // The script's own text must not end its element early (nor enter the parser's escaped states).
  if (/<\/script|<!--/i.test(script)) throw new Error('the report script contains </script or <!--');
  const css = REPORT_CSS;
  const csp = `default-src 'none'; script-src ${hash(script)}; style-src ${hash(css)}; img-src 'none'; base-uri 'none'; form-action 'none'`;
  const files = doc.capture.files.join(', ');
  write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">');
  write(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`);
  write('<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">');
  write(`<title>msrpscope report: ${escapeHtml(files)}</title><style>${css}</style></head><body>\n`);
  write(`<header><h1>msrpscope report</h1><div class="sub">${escapeHtml(files)} · ${escapeHtml(doc.tool.name)} ${escapeHtml(doc.tool.version)} · schema ${escapeHtml(doc.schema)}`);
  if (opts.filter !== undefined && opts.filter !== '') write(` · <span class="warn">filtered: ${escapeHtml(opts.filter)}</span>`);
  write('</div><nav><a href="#capture">Capture</a><a href="#sessions">Sessions</a><a href="#diagrams">Diagrams</a><a href="#messages">Messages</a><a href="#rtt">RTT</a><a href="#diagnostics">Diagnostics</a></nav></header><main>\n');

  write('<section id="capture"><h2>Capture</h2><table class="kv" id="facts">');
  for (const [k, v, cls] of captureFacts(doc)) write(`<tr><td>${escapeHtml(k)}</td><td${cls === '' ? '' : ` class="${cls}"`}>${escapeHtml(v)}</td></tr>`);
  write('</table></section>\n');

  const rows = sessionRows(ix);
  const sessions = sessionTable(rows);
  write(`<section id="sessions"><h2>Sessions (${doc.sessions.length})</h2>`);
  pagedTable(write, 'sessions', 'rows', whole(sessions));
  write('</section>\n');

  // Diagrams: the list is data (paged in the page); each diagram's rows are data of their own, parsed on open.
  const list: Array<[string, string, string]> = rows.map((r) => {
    const what = r.scope.kind === 'session' ? `session ${r.label}` : `connection ${r.label.slice(1)} (no session)`;
    const counts = r.scope.kind === 'session' ? ` · ${r.messages} message${r.messages === 1 ? '' : 's'} ✓${r.delivered} ✗${r.failed} ?${r.unknown}` : '';
    return [scopeId(r), `${what}: ${r.ends[0]} ↔ ${r.ends[1]}${counts}${r.callId === null ? '' : ` · ${r.callId}`}`, rowFailed(r) ? 'fail' : ''];
  });
  write(`<section id="diagrams"><h2>Sequence diagrams</h2><p class="dim">Open a session to draw it. A double arrow is a message's chunks on one hop (click it to unfold them); red is a failure (a response ≥ 300, a failure REPORT, an aborted message, a cut frame); hover an arrow for its frames and round-trip time.</p>`);
  write('<noscript><p class="warn">The diagrams and the further table pages are drawn by the page\'s script (JavaScript is off): the first page of each table is shown.</p></noscript>');
  write(`<div id="ladders" data-page-size="${LADDER_LIST_PAGE}">`);
  if (list.length > LADDER_LIST_PAGE) {
    write(`<div class="pager list-pager"><button data-act="prev" disabled>‹</button><button data-act="next">›</button><span class="list-pos">1–${LADDER_LIST_PAGE} of ${list.length} diagrams</span></div>`);
  }
  write('<div class="items">');
  for (const [id, text, cls] of list.slice(0, LADDER_LIST_PAGE)) {
    write(`<details class="ladder" id="${id}" data-ladder=""><summary${cls === '' ? '' : ` class="${cls}"`}>${escapeHtml(text)}</summary><div class="diagram"></div></details>`);
  }
  if (list.length === 0) write('<p class="dim">No session in this capture.</p>');
  write('</div></div>');
  write(`<script type="application/json" id="data-ladders">${jsonForScript(list)}</script>\n`);
  for (const r of rows) write(`<script type="application/json" id="ladder-${scopeId(r)}">${jsonForScript(ladderData(ix, r.scope))}</script>\n`);
  write('</section>\n');

  write(`<section id="messages"><h2>Messages (${ix.messageCount})</h2>`);
  pagedTable(write, 'messages', 'messages', messageTableSource(ix));
  write('</section>\n');

  write(`<section id="rtt"><h2>Transaction round-trip times</h2>${rttChart(rttValues(ix))}</section>\n`);

  write(`<section id="diagnostics"><h2>Diagnostics (${doc.diagnostics.length})</h2>`);
  pagedTable(write, 'diagnostics', 'rows', whole(diagnosticTable(doc)));
  write('</section>\n');

  write(`</main><footer>Made by msrpscope ${escapeHtml(doc.tool.version)}: a self-contained page (no network). Times are UTC.</footer>\n`);
  write(`<script>${script}</script>\n</body></html>\n`);
  return { sessions: doc.sessions.length, messages: ix.messageCount };
}
