/** Building blocks of the detail sections: a titled block of lines, key/value lines, frame and time text. */
import type { JsonRange, JsonTime } from '../export/json-types.js';
import { clockTime } from './format.js';
import { seg, type Line, type Style } from './line.js';
import { fit } from './text-width.js';

export interface Section {
  title: string;
  lines: Line[];
}

export interface DetailOptions {
  /** Screen width (bars and tables are sized to it). */
  width: number;
  /** Body bytes the model kept for the message (its first bytes), when the caller has them. */
  body?: Uint8Array | null;
  /** Page of the Chunks section (from 0; clamped to the pages there are). */
  chunkPage?: number;
}

export const KEY_WIDTH = 18;

export function kv(key: string, value: string, style?: Style): Line {
  return [seg(`${fit(key, KEY_WIDTH - 1)} `, 'dim'), seg(value, style)];
}

export function at(t: JsonTime): string {
  return `frame ${t.frame} at ${clockTime(t.time, 6)}`;
}

export function frames(first: number, last: number): string {
  return first === last ? `frame ${first}` : `frames ${first}–${last}`;
}

export function rangeText(r: JsonRange | null): string {
  if (r === null) return '-';
  return `${r.start}-${r.end ?? '*'}/${r.total ?? '*'}`;
}

export function line1(text: string, style?: Style): Line {
  return [seg(text, style)];
}
