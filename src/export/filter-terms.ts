/**
 * The one table of filter terms: what the TUI's `/` prompt takes, what the command line takes, what each
 * keeps. The TUI parser, its help screen and its "not understood" message, the command-line option checks
 * and the README's filter section (scripts/filters-table.mjs) are all made from it.
 */

export type MessageStateTerm = 'complete' | 'aborted' | 'incomplete';
export type DeliveryTerm = 'delivered' | 'failed' | 'unknown';
export type SessionStateTerm = 'active' | 'closed';

export const MESSAGE_STATES: readonly MessageStateTerm[] = ['aborted', 'incomplete', 'complete'];
export const DELIVERY_STATES: readonly DeliveryTerm[] = ['delivered', 'failed', 'unknown'];
export const SESSION_STATES: readonly SessionStateTerm[] = ['active', 'closed'];

export interface FilterTerm {
  /** The word before the colon in the TUI prompt; '' for free words. */
  key: string;
  /** How it is typed in the TUI prompt (an example; VALUE stands for one of `values`). */
  tui: string | null;
  /** The values the term takes (empty: any text). */
  values: readonly string[];
  /** What it keeps in the TUI's session list. */
  tuiMeaning: string | null;
  /** The command-line option that does the same (commander flags), or null. */
  cli: string | null;
  /** What the option keeps in --json, --ndjson, --summary (and the TUI started with it). */
  cliMeaning: string | null;
}

export const FILTER_TERMS: readonly FilterTerm[] = [
  {
    key: '',
    tui: 'WORD',
    values: [],
    tuiMeaning: 'sessions whose ends, URIs, Call-ID, Message-IDs, content types or file name contain every word (case-insensitive)',
    cli: null,
    cliMeaning: null,
  },
  {
    key: 'type',
    tui: 'type:TYPE',
    values: [],
    tuiMeaning: 'the same as the word TYPE (content types are words)',
    cli: null,
    cliMeaning: null,
  },
  {
    key: 'method',
    tui: 'method:SEND',
    values: [],
    tuiMeaning: 'sessions with a request of that method',
    cli: '--method <method>',
    cliMeaning: 'only transactions of this method (SEND, REPORT, AUTH, ...) and what they belong to',
  },
  {
    key: 'status',
    tui: 'status:481|4xx',
    values: [],
    tuiMeaning: 'sessions with that response or REPORT status, or class',
    cli: null,
    cliMeaning: null,
  },
  {
    key: 'state',
    tui: 'state:closed',
    values: SESSION_STATES,
    tuiMeaning: 'sessions open or ended',
    cli: null,
    cliMeaning: null,
  },
  {
    key: 'state',
    tui: 'state:aborted',
    values: MESSAGE_STATES,
    tuiMeaning: 'sessions where a message is',
    cli: '--state <list>',
    cliMeaning: 'only messages in this state, their transactions and sessions',
  },
  {
    key: 'delivery',
    tui: 'delivery:failed',
    values: DELIVERY_STATES,
    tuiMeaning: 'sessions where a message was',
    cli: '--delivery <list>',
    cliMeaning: 'only messages of this delivery outcome, their transactions and sessions',
  },
  {
    key: '',
    tui: null,
    values: [],
    tuiMeaning: null,
    cli: '--session <id>',
    cliMeaning: 'only this session (its index; or a session-id, or part of a URI)',
  },
  {
    key: '',
    tui: null,
    values: [],
    tuiMeaning: null,
    cli: '--message <id>',
    cliMeaning: 'only this message (Message-ID)',
  },
  {
    key: '',
    tui: null,
    values: [],
    tuiMeaning: null,
    cli: '--address <ip[:port]>',
    cliMeaning: 'only connections with this address (and port)',
  },
  {
    key: 'connection',
    tui: 'connection:3',
    values: [],
    tuiMeaning: 'sessions with that connection (0-based, as connections[].id), or its own row',
    cli: '--connection <n>',
    cliMeaning: 'only connection N (0-based, as `connections[].id` and tshark\'s tcp.stream) and what it carries',
  },
];

/** Every value a structured TUI key takes, from the table (`state` → active closed aborted incomplete complete). */
export function termValues(key: string): string[] {
  const out: string[] = [];
  for (const t of FILTER_TERMS) if (t.key === key && t.tui !== null) for (const v of t.values) if (!out.includes(v)) out.push(v);
  return out;
}

/** The structured keys of the TUI prompt (those typed `key:value`, not plain words). */
export const STRUCTURED_KEYS: readonly string[] = [...new Set(FILTER_TERMS.filter((t) => t.key !== '' && t.key !== 'type').map((t) => t.key))];

/** A structured key with what it takes, for the TUI's "not understood": `state: active closed ...`, `method: SEND`. */
export function termHelp(key: string): string {
  const values = termValues(key);
  if (values.length > 0) return `${key}: ${values.join(' ')}`;
  const t = FILTER_TERMS.find((x) => x.key === key && x.tui !== null);
  return t?.tui === undefined || t.tui === null ? key : `${key}: ${t.tui.slice(key.length + 1)}`;
}

/**
 * Parses a comma-separated command-line value (`--state aborted,incomplete`) against the table's values;
 * returns the values, or the first one not understood.
 */
export function parseTermList<T extends string>(text: string, values: readonly T[]): { ok: T[] } | { bad: string } {
  const ok: T[] = [];
  for (const part of text.split(',')) {
    const v = part.trim().toLowerCase();
    const hit = values.find((x) => x === v);
    if (hit === undefined) return { bad: part.trim() };
    if (!ok.includes(hit)) ok.push(hit);
  }
  return { ok };
}

/** The command-line filter options, with their --help text, from the table. */
export function cliFilterOptions(): Array<{ flags: string; description: string }> {
  const out: Array<{ flags: string; description: string }> = [];
  for (const t of FILTER_TERMS) {
    if (t.cli === null || t.cliMeaning === null) continue;
    const values = t.values.length > 0 ? ` (${t.values.join(', ')}; comma separated)` : '';
    out.push({ flags: t.cli, description: `${t.cliMeaning}${values}` });
  }
  return out;
}

function cell(s: string | null): string {
  return s === null ? '—' : s.replace(/\|/g, '\\|');
}

function code(s: string | null): string {
  // A pipe ends a table cell even inside a code span unless escaped (GFM).
  return s === null ? '—' : `\`${s.replace(/\|/g, '\\|')}\``;
}

/** The README's filter table (Markdown). */
export function filtersMarkdown(): string {
  const lines = [
    '| TUI `/` | values | keeps in the session list | command line | keeps in the output |',
    '|---|---|---|---|---|',
  ];
  for (const t of FILTER_TERMS) {
    const values = t.values.length === 0 ? '—' : t.values.map((v) => `\`${v}\``).join(' ');
    lines.push(`| ${code(t.tui)} | ${values} | ${cell(t.tuiMeaning)} | ${code(t.cli)} | ${cell(t.cliMeaning)} |`);
  }
  const source =
    'This section, the TUI help and the filter options of `--help` are made from `src/export/filter-terms.ts`\n' +
    '(`node scripts/filters-table.mjs --write` after a build; a test keeps it in sync).';
  return `${lines.join('\n')}\n\n${FILTER_NOTES}\n\n${source}\n`;
}

/** The rules under the table (README), kept next to it. */
export const FILTER_NOTES = [
  'A message is `aborted` when its last chunk ends with `#`, `incomplete` when bytes are missing, `complete` otherwise;',
  'delivery is decided as in the counting rules below. `state:active|closed` is the session itself: closed when the',
  'connections of its ends are closed or its SIP dialog was terminated.',
  '',
  'In the TUI, terms of one kind are alternatives (`state:aborted state:incomplete`), terms of different kinds must all',
  'match; a term with a known key and an unknown value is shown as "not understood" with the values it takes.',
  '',
  'On the command line every option narrows; `--state` and `--delivery` take comma-separated alternatives. `--json`',
  'and `--summary` recount the summary from what is kept. `--ndjson` is written as the capture is read: there',
  '`--state` selects `message` records, and `delivery` records of messages it kept; `--delivery` selects `delivery`',
  'records by outcome and `message` records by the outcome known when they are written (usually none yet, so',
  '`--delivery failed` shows failures by their `delivery` records, `--delivery unknown` every message not yet',
  'decided). Other records pass.',
].join('\n');
