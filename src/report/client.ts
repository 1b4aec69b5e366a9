/**
 * What runs in the page: a little vanilla JavaScript that pages the big tables and draws a session's diagram
 * when its `<details>` is opened, from the JSON the page embeds. The functions are written once, in
 * TypeScript, and put into the page by their source text (clientScript): each must stay self-contained (no
 * module-level names; it calls only the functions listed in CLIENT_FUNCTIONS, whose names the bundler keeps
 * consistent). The page works without it too, showing the first page of each table.
 *
 * Tests build reports through bin/msrpscope: under vitest an imported name is rewritten, so a script made
 * in-process would not run in a browser.
 */
import { escapeHtml } from './escape.js';
import { ladderRows, ladderSvg } from './svg-ladder.js';
import type { Cell, LadderData, Row, TableData } from './types.js';

/** The HTML of rows `from` … `from + count` of a table (server side for the first page, then in the page). */
export function tableRowsHtml(t: Pick<TableData, 'numeric' | 'wrap'>, rows: readonly Row[], from: number, count: number): string {
  const o: string[] = [];
  const end = Math.min(rows.length, from + count);
  for (let i = from; i < end; i++) {
    const r = rows[i];
    if (r === undefined) continue;
    o.push(r[0] === '' ? '<tr>' : `<tr class="${escapeHtml(r[0])}">`);
    for (let j = 1; j < r.length; j++) {
      const c: Cell | undefined = r[j];
      const num = t.numeric.indexOf(j - 1) >= 0 ? ' class="num"' : t.wrap.indexOf(j - 1) >= 0 ? ' class="w"' : ' class="nw"';
      if (c === undefined || c === null) o.push(`<td${num}></td>`);
      else if (typeof c === 'string' || typeof c === 'number') o.push(`<td${num}>${escapeHtml(String(c))}</td>`);
      else {
        const cls = c.c === undefined ? '' : ` class="${escapeHtml(c.c)}"`;
        // Links go only to an id of this page, made of letters, digits and '-' (never a URL from the capture).
        const text = escapeHtml(c.t);
        const inner = c.a !== undefined && /^[a-z]+-[0-9]+$/.test(c.a) ? `<a href="#${c.a}">${text}</a>` : text;
        o.push(`<td${num}><span${cls}>${inner}</span></td>`);
      }
    }
    o.push('</tr>');
  }
  return o.join('');
}

/** Runs in the page: wires pagers, filters, diagram folds and `#session-N` links. */
export function reportMain(): void {
  interface Ev {
    target: unknown;
    key?: string;
    preventDefault(): void;
  }
  interface El {
    innerHTML: string;
    textContent: string | null;
    hidden: boolean;
    open: boolean;
    disabled: boolean;
    value: string;
    id: string;
    getAttribute(n: string): string | null;
    setAttribute(n: string, v: string): void;
    querySelector(s: string): El | null;
    querySelectorAll(s: string): ArrayLike<El>;
    addEventListener(t: string, f: (ev: Ev) => void): void;
    closest(s: string): El | null;
    scrollIntoView(): void;
  }
  interface Doc {
    getElementById(id: string): El | null;
    querySelectorAll(s: string): ArrayLike<El>;
  }
  const g = globalThis as unknown as { document: Doc; location: { hash: string }; addEventListener(t: string, f: () => void): void };
  const doc = g.document;
  const parsed: Record<string, unknown> = {};
  const data = <T,>(id: string): T | undefined => {
    if (!(id in parsed)) {
      const el = doc.getElementById(id);
      parsed[id] = el === null ? undefined : (JSON.parse(el.textContent ?? 'null') as unknown);
    }
    return parsed[id] as T | undefined;
  };
  const each = (list: ArrayLike<El>, f: (e: El) => void): void => {
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (e !== undefined) f(e);
    }
  };
  const pos = (from: number, shown: number, total: number, what: string): string =>
    total === 0 ? `no ${what}` : `${from + 1}–${from + shown} of ${total} ${what}`;

  // Tables: a page of rows at a time, with a filter on the rows' text.
  const tables: Record<string, (page: number) => void> = {};
  each(doc.querySelectorAll('[data-table]'), (box) => {
    const name = box.getAttribute('data-table') ?? '';
    const size = Number(box.getAttribute('data-page-size') ?? '200');
    const body = box.querySelector('tbody');
    const info = box.querySelector('.pos');
    const input = box.querySelector('input');
    let page = 0;
    let rows: Row[] | undefined;
    const draw = (): void => {
      const t = data<TableData>(`data-${name}`);
      if (t === undefined || body === null) return;
      rows ??= t.rows;
      const pages = Math.max(1, Math.ceil(rows.length / size));
      page = Math.min(Math.max(0, page), pages - 1);
      body.innerHTML = tableRowsHtml(t, rows, page * size, size);
      if (info !== null) info.textContent = pos(page * size, Math.min(size, rows.length - page * size), rows.length, box.getAttribute('data-what') ?? 'rows');
      each(box.querySelectorAll('button'), (b) => {
        const act = b.getAttribute('data-act');
        b.disabled = (act === 'prev' || act === 'first') ? page === 0 : page >= pages - 1;
      });
    };
    each(box.querySelectorAll('button'), (b) => {
      b.addEventListener('click', () => {
        const act = b.getAttribute('data-act');
        page = act === 'first' ? 0 : act === 'prev' ? page - 1 : act === 'next' ? page + 1 : 1e9;
        draw();
      });
    });
    tables[name] = (p: number): void => {
      page = p;
      draw();
      box.scrollIntoView();
    };
    if (input !== null) {
      input.addEventListener('input', () => {
        const t = data<TableData>(`data-${name}`);
        if (t === undefined) return;
        const q = input.value.trim().toLowerCase();
        rows = q === '' ? t.rows : t.rows.filter((r) => r.slice(1).some((c) => String(typeof c === 'object' && c !== null ? c.t : c).toLowerCase().indexOf(q) >= 0));
        page = 0;
        draw();
      });
    }
  });

  // Diagrams: drawn when their <details> opens; a folded message opens on click (or Enter).
  const PER_PAGE = 400;
  const state: Record<string, { open: Record<string, boolean>; page: number }> = {};
  const drawLadder = (box: El): void => {
    const id = box.id;
    const d = data<LadderData>(`ladder-${id}`);
    const target = box.querySelector('.diagram');
    if (d === undefined || target === null) return;
    const st = (state[id] ??= { open: {}, page: 0 });
    const v = ladderSvg(d, st.open, st.page, PER_PAGE);
    st.page = v.page;
    const folds = d.r.some((r) => r.k !== undefined);
    let bar = '<div class="pager">';
    if (folds) bar += '<button data-act="unfold">unfold all</button><button data-act="fold">fold all</button> ';
    if (v.pages > 1) bar += `<button data-act="prev"${v.page === 0 ? ' disabled' : ''}>‹ earlier</button><button data-act="next"${v.page >= v.pages - 1 ? ' disabled' : ''}>later ›</button> `;
    bar += `<span class="pos">${escapeHtml(pos(v.page * PER_PAGE, Math.min(PER_PAGE, v.rows - v.page * PER_PAGE), v.rows, 'rows'))}</span></div>`;
    let sip = '';
    if (d.sip.length > 0) {
      sip = '<table class="kv sip">';
      for (const [k, val, cls] of d.sip) {
        sip += k === '' && cls === 'head' ? `<tr><th colspan="2">${escapeHtml(val)}</th></tr>` : `<tr><td class="dim">${escapeHtml(k)}</td><td${cls === '' ? '' : ` class="${escapeHtml(cls)}"`}>${escapeHtml(val)}</td></tr>`;
      }
      sip += '</table>';
    }
    target.innerHTML = `${bar}<div class="svgbox">${v.svg}</div>${sip}`;
  };
  const ladderBox = (id: string): El | null => {
    const el = doc.getElementById(id);
    return el !== null && el.getAttribute('data-ladder') !== null ? el : null;
  };
  const wireLadder = (box: El): void => {
    box.addEventListener('toggle', () => {
      if (box.open && box.querySelector('svg') === null) drawLadder(box);
    });
    box.addEventListener('click', (ev) => {
      const t = ev.target as El | null;
      if (t === null || typeof t.closest !== 'function') return;
      const st = (state[box.id] ??= { open: {}, page: 0 });
      const btn = t.closest('button');
      if (btn !== null) {
        const act = btn.getAttribute('data-act');
        const d = data<LadderData>(`ladder-${box.id}`);
        if (act === 'unfold' && d !== undefined) for (const r of d.r) if (r.k !== undefined) st.open[r.k] = true;
        if (act === 'fold') st.open = {};
        if (act === 'prev') st.page--;
        if (act === 'next') st.page++;
        drawLadder(box);
        return;
      }
      const fold = t.closest('[data-fold]');
      if (fold === null) return;
      const key = fold.getAttribute('data-fold') ?? '';
      st.open[key] = st.open[key] !== true;
      drawLadder(box);
    });
    box.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter' && ev.key !== ' ') return;
      const t = ev.target as El | null;
      const fold = t !== null && typeof t.closest === 'function' ? t.closest('[data-fold]') : null;
      if (fold === null) return;
      ev.preventDefault();
      const st = (state[box.id] ??= { open: {}, page: 0 });
      const key = fold.getAttribute('data-fold') ?? '';
      st.open[key] = st.open[key] !== true;
      drawLadder(box);
      const again = box.querySelector(`[data-fold="${key.replace(/["\\]/g, '')}"]`);
      if (again !== null) (again as unknown as { focus(): void }).focus();
    });
  };

  // The diagrams' list is paged too (a capture may hold thousands of sessions).
  const list = doc.getElementById('ladders');
  const items = (): Array<[string, string, string]> => data<Array<[string, string, string]>>('data-ladders') ?? [];
  const LIST_PAGE = Number(list?.getAttribute('data-page-size') ?? '50');
  let listPage = 0;
  const drawList = (): void => {
    if (list === null) return;
    const all = items();
    const pages = Math.max(1, Math.ceil(all.length / LIST_PAGE));
    listPage = Math.min(Math.max(0, listPage), pages - 1);
    const box = list.querySelector('.items');
    if (box === null) return;
    let html = '';
    for (const [id, text, cls] of all.slice(listPage * LIST_PAGE, (listPage + 1) * LIST_PAGE)) {
      html += `<details class="ladder" id="${escapeHtml(id)}" data-ladder=""><summary${cls === '' ? '' : ` class="${escapeHtml(cls)}"`}>${escapeHtml(text)}</summary><div class="diagram"></div></details>`;
    }
    box.innerHTML = html;
    each(box.querySelectorAll('details[data-ladder]'), wireLadder);
    const info = list.querySelector('.list-pos');
    if (info !== null) info.textContent = pos(listPage * LIST_PAGE, Math.min(LIST_PAGE, all.length - listPage * LIST_PAGE), all.length, 'diagrams');
    each(list.querySelectorAll('.list-pager button'), (b) => {
      const act = b.getAttribute('data-act');
      b.disabled = act === 'prev' ? listPage === 0 : listPage >= pages - 1;
    });
  };
  if (list !== null) {
    each(list.querySelectorAll('details[data-ladder]'), wireLadder);
    each(list.querySelectorAll('.list-pager button'), (b) => {
      b.addEventListener('click', () => {
        listPage += b.getAttribute('data-act') === 'prev' ? -1 : 1;
        drawList();
      });
    });
  }

  // `#session-3` opens that diagram (`#session-3/unfold` with every message unfolded); `#open=session-3`
  // opens it without scrolling there; `#messages/3` shows page 3 of that table.
  const follow = (scroll: boolean): void => {
    // `#messages/3`: page 3 of the messages table.
    const t = /^#([a-z]+)\/([0-9]+)$/.exec(g.location.hash);
    const go = t === null ? undefined : tables[t[1] ?? ''];
    if (t !== null && go !== undefined) {
      go(Number(t[2]) - 1);
      return;
    }
    const m = /^#(?:open=)?((?:session|connection)-[0-9]+)(\/unfold)?$/.exec(g.location.hash);
    if (m === null || m[1] === undefined) return;
    const id = m[1];
    if (ladderBox(id) === null) {
      scroll = true;
      const i = items().findIndex((x) => x[0] === id);
      if (i < 0) return;
      listPage = Math.floor(i / LIST_PAGE);
      drawList();
    }
    const box = ladderBox(id);
    if (box === null) return;
    if (m[2] !== undefined) {
      const d = data<LadderData>(`ladder-${id}`);
      const st = (state[id] ??= { open: {}, page: 0 });
      if (d !== undefined) for (const r of d.r) if (r.k !== undefined) st.open[r.k] = true;
    }
    box.open = true;
    drawLadder(box);
    // On load the browser itself scrolls to an element of the first page.
    if (scroll) box.scrollIntoView();
  };
  g.addEventListener('hashchange', () => follow(true));
  follow(false);
}

/** The functions the page's script is made of, in order; reportMain runs last. */
const CLIENT_FUNCTIONS: ReadonlyArray<{ name: string; toString(): string }> = [escapeHtml, ladderRows, ladderSvg, tableRowsHtml, reportMain];

/** The page's script: the functions above by their source text, then a call of reportMain. */
export function clientScript(): string {
  const body = CLIENT_FUNCTIONS.map((f) => f.toString()).join('\n');
  return `(function () {\n'use strict';\n${body}\n${reportMain.name}();\n})();`;
}
