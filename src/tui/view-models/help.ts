/** Every key of the TUI, by screen — the help screen and the status-bar hints come from this table. */
import { seg, type Line } from './line.js';
import { FILTER_TERMS } from '../../export/filter-terms.js';

export interface KeyHelp {
  keys: string;
  what: string;
}

export interface KeySection {
  title: string;
  keys: KeyHelp[];
}

/** The structured terms of the filter prompt, from the filter table (src/export/filter-terms.ts). */
function filterTermKeys(): KeyHelp[] {
  return FILTER_TERMS.filter((t) => t.key !== '' && t.tui !== null && t.tuiMeaning !== null).map((t) => ({
    keys: t.tui as string,
    what: t.values.length > 0 ? `${t.tuiMeaning as string}: ${t.values.join(' ')}` : (t.tuiMeaning as string),
  }));
}

export const KEY_SECTIONS: readonly KeySection[] = [
  {
    title: 'Everywhere',
    keys: [
      { keys: '? F1', what: 'this help' },
      { keys: 'q Esc', what: 'back to the previous screen (q on the session list quits)' },
      { keys: 'C-c', what: 'quit at once' },
      { keys: 'd', what: 'diagnostics by code' },
      { keys: 't', what: 'time: absolute clock or delta to the row above' },
      { keys: 'f', what: 'follow: keep the newest row in view (live capture)' },
      { keys: '↑ ↓ k j', what: 'move one row' },
      { keys: 'PgUp PgDn', what: 'move one page' },
      { keys: 'Home End g G', what: 'first / last row' },
    ],
  },
  {
    title: 'Session list',
    keys: [
      { keys: 'Enter', what: 'open the ladder of the session' },
      { keys: '/', what: 'filter by ends, URIs, Call-ID, Message-ID, content type' },
      { keys: 's S', what: 'sort by the next column / reverse the order' },
      { keys: 'Esc', what: 'clear the filter' },
    ],
  },
  {
    title: 'Filter prompt',
    keys: [
      { keys: 'text', what: 'filters as you type; all words must match (terms below too)' },
      ...filterTermKeys(),
      { keys: 'Enter', what: 'keep the filter' },
      { keys: 'Esc', what: 'cancel (restore the previous filter)' },
      { keys: 'Backspace C-u', what: 'delete a character / the whole text' },
    ],
  },
  {
    title: 'Ladder',
    keys: [
      { keys: 'Enter', what: 'message detail of the arrow' },
      { keys: 'Space → ←', what: 'unfold / fold the chunks of a message (▸ ▾)' },
      { keys: 'x', what: 'unfold or fold every message' },
      { keys: 'r', what: 'raw MSRP text of the arrow' },
    ],
  },
  {
    title: 'Detail and raw',
    keys: [
      { keys: 'r', what: 'raw MSRP text (from the detail)' },
      { keys: '↑ ↓ PgUp PgDn', what: 'scroll' },
    ],
  },
  {
    title: 'Diagnostics',
    keys: [{ keys: 'Enter', what: 'jump to the message (or session) of the frame' }],
  },
];

export function helpLines(): Line[] {
  const out: Line[] = [
    [seg('msrpscope — MSRP capture viewer', 'head')],
    [seg('Failures are red.  Delivery: ✓ delivered, ✗ failed, ? unknown.', 'dim')],
    [seg('═ one message on one hop, its chunks folded (▸ unfold, ▾ fold).', 'dim')],
  ];
  for (const s of KEY_SECTIONS) {
    out.push([], [seg(s.title, 'head')]);
    for (const k of s.keys) out.push([seg(`  ${k.keys.padEnd(16)}`, 'key'), seg(k.what)]);
  }
  return out;
}
