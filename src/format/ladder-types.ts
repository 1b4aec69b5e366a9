/** The ladder's shapes: columns (participants), entries (arrows) and what an entry leads to. */
import type { JsonTime } from '../export/json-types.js';
import type { Line } from './line.js';
import type { Scope } from './session-list.js';

export interface Participant {
  /** Column name in the header (`A`, `R1`, `B`, `?1`). */
  short: string;
  /** Who it is (identity and/or URI), escaped. */
  label: string;
  kind: 'endpoint' | 'relay' | 'peer';
}

export type LadderTarget =
  /** A folded message leg: the message, and the transaction shown first (its first chunk). */
  | { kind: 'message'; message: number; transaction: number | null }
  | { kind: 'transaction'; transaction: number; part: 'request' | 'response' }
  | { kind: 'sip'; dialog: number; frame: number };

export interface LadderEntry {
  /** Stable across document updates: keeps the cursor and the expanded state. */
  key: string;
  at: JsonTime;
  from: number;
  to: number;
  label: Line;
  fail: boolean;
  /** A request or response cut before its end-line (by a gap, the end of the capture or the next start-line); for a folded leg, any of its transactions'. */
  cut: boolean;
  /** A folded message leg (drawn with a double line). */
  folded: boolean;
  sip: boolean;
  target: LadderTarget;
  /** Transactions this entry stands for (a diagnostic's frame is located through them). */
  transactions: number[];
  /** True for a folded message leg: it has chunk rows to unfold. */
  expandable: boolean;
  /** The unfolded rows (built on first read, so a long ladder costs nothing until a fold is opened). */
  readonly children: readonly LadderEntry[];
}

export interface Ladder {
  scope: Scope;
  title: string;
  participants: Participant[];
  entries: LadderEntry[];
}
