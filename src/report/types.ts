/**
 * The data the report page embeds as JSON (`<script type="application/json">`) and the browser renders from:
 * compact on purpose (short keys), since a capture of 10,000 messages puts tens of thousands of rows here.
 */

/** A table cell: text, or text with a class (`fail`, `ok`, `warn`, `dim`, `num`) or a link to a session. */
export type Cell = string | number | { t: string; c?: string; a?: string };

/** A table row: its class (`''`, `row-fail`, `row-warn`, `row-group`) then its cells. */
export type Row = [string, ...Cell[]];

export interface TableData {
  columns: string[];
  /** Columns shown right-aligned (numbers). */
  numeric: number[];
  /** Columns whose text may wrap (long text); the others stay on one line. */
  wrap: number[];
  rows: Row[];
}

/** A table whose rows are made as they are read (the report writes them in turn, never holding them all). */
export interface TableSource {
  columns: string[];
  numeric: number[];
  wrap: number[];
  count: number;
  /** Rows in order, made anew at each call. */
  rows(): Iterable<Row>;
}

export interface LadderParticipant {
  /** Column name (`A`, `R1`, `B`, `?1`). */
  s: string;
  /** Who it is. */
  l: string;
  k: 'endpoint' | 'relay' | 'peer';
}

export interface LadderRowData {
  /** Key of a folded message leg (unique in the ladder): what a fold is opened by. */
  k?: string;
  /** Clock time (UTC). */
  t: string;
  /** Microseconds since the ladder's base time, and the frame: the order rows are shown in. */
  e: number;
  n: number;
  /** From and to column. */
  f: number;
  o: number;
  /** Label: segments of text and style (`''`, `fail`, `ok`, `warn`, `dim`, `head`, `sip`). */
  l: Array<[string, string]>;
  /** 1 when the request/response or message failed (non-2xx, aborted, cut); absent otherwise. */
  x?: 1;
  /** 1 a folded message leg, 2 SIP; absent for a request or response. */
  s?: 1 | 2;
  /** Hover text (transaction, frame, round-trip time). */
  h: string;
  /** Transactions the arrow stands for. */
  q: number[];
  /** The chunk rows of a folded message leg. */
  c?: LadderRowData[];
}

/** One session's (or connection's) diagram, with the SIP dialog that set it up. */
export interface LadderData {
  /** `session-3`, `connection-1`. */
  id: string;
  title: string;
  /** Epoch seconds the rows' times count from. */
  b: number;
  p: LadderParticipant[];
  r: LadderRowData[];
  /** Lines of the SIP dialog: [key, value, style]. */
  sip: Array<[string, string, string]>;
}
