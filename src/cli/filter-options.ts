import { escapeText } from '../util/escape.js';
import type { RecordFilter } from '../export/filter.js';
import { DELIVERY_STATES, MESSAGE_STATES, parseTermList } from '../export/filter-terms.js';
import { CliError, EXIT_USAGE } from './errors.js';

export type FilterOptions = RecordFilter;

function termList<T extends string>(option: string, text: string, values: readonly T[]): T[] {
  const r = parseTermList(text, values);
  if ('bad' in r) throw new CliError(`invalid ${option} "${escapeText(r.bad)}" (expected ${values.join(', ')}; comma separated)`, EXIT_USAGE);
  return r.ok;
}

/** The filter flags as commander gives them. */
export interface FilterFlags {
  session?: string;
  message?: string;
  method?: string;
  address?: string;
  connection?: string;
  state?: string;
  delivery?: string;
}

/** Turns --session/--message/--method/--address/--connection/--state/--delivery into a record filter (usage error when malformed). */
export function parseFilterOptions(o: FilterFlags): FilterOptions {
  const f: FilterOptions = {};
  if (o.state !== undefined) f.states = termList('--state', o.state, MESSAGE_STATES);
  if (o.delivery !== undefined) f.delivery = termList('--delivery', o.delivery, DELIVERY_STATES);
  if (o.session !== undefined) f.session = o.session;
  if (o.message !== undefined) f.message = o.message;
  if (o.method !== undefined) {
    if (!/^[A-Za-z]{1,32}$/.test(o.method)) throw new CliError(`invalid method "${escapeText(o.method)}"`, EXIT_USAGE);
    f.method = o.method.toUpperCase();
  }
  if (o.connection !== undefined) {
    const c = o.connection.trim();
    if (!/^\d{1,9}$/.test(c)) throw new CliError(`invalid connection "${escapeText(o.connection)}" (expected a connection number: 0, 1, ... as connections[].id)`, EXIT_USAGE);
    f.connection = Number(c);
  }
  if (o.address !== undefined) {
    const a = o.address.trim();
    // ip, ip:port, [v6], [v6]:port, bare v6
    let m = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(a);
    if (!m) m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(a);
    if (!m && /^[0-9a-fA-F:.]+$/.test(a) && a.includes(':')) m = [a, a, undefined] as unknown as RegExpExecArray;
    if (!m || m[1] === undefined) throw new CliError(`invalid address "${escapeText(a)}" (expected IP, IP:port or [IPv6]:port)`, EXIT_USAGE);
    f.address = m[1].toLowerCase();
    if (m[2] !== undefined) {
      const port = Number(m[2]);
      if (port < 1 || port > 65535) throw new CliError(`invalid port in "${escapeText(a)}"`, EXIT_USAGE);
      f.port = port;
    }
  }
  return f;
}
