/** Small records shared by several sections: times, endpoints, Byte-Ranges, statuses, headers, file selectors. */
import { Type, type Static } from '@sinclair/typebox';
import { closed, count, def, enumOf, nullable, num, pairOf, str } from './declare.js';

/** ISO-8601 UTC at the capture's precision (up to nanoseconds). */
export const isoTime = Type.String({ description: 'ISO-8601 UTC at the capture\'s precision.', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$' });

export const direction = enumOf(['c2s', 's2c'], 'c2s: from the TCP client (the side that opened the connection) to the server; s2c: back.');
export type JsonDirection = Static<typeof direction>;

/** Continuation flag of a request's end-line. */
export const flag = enumOf(['$', '+', '#', null], 'End-line flag: $ last chunk, + more follow, # aborted by the sender; null when cut before the end-line.');

export const messageState = enumOf(
  ['complete', 'aborted', 'incomplete'],
  'complete: every byte arrived and the last chunk ended with $; aborted: a chunk ended with #; incomplete: bytes are missing.',
);

/** A moment tied to a frame (1-based): ISO time and epoch seconds. */
export const Time = def('time', closed({
    frame: count('Frame number, 1-based as in Wireshark.'),
    time: isoTime,
    epoch: num('Seconds since 1970-01-01 UTC (the same moment as time).'),
  }));
export type JsonTime = Static<typeof Time.schema>;

export const Endpoint = def('endpoint', closed({ address: str('IPv4 or IPv6 address.'), port: count() }));
export type JsonEndpoint = Static<typeof Endpoint.schema>;

/** A Byte-Range: positions are numbers, null for `*`. */
export const Range = def('range', closed({
    start: count('First byte (1-based).'),
    end: nullable(count(), 'Last byte; null for `*`.'),
    total: nullable(count(), 'Size of the whole message; null for `*` (not known yet).'),
  }));
export type JsonRange = Static<typeof Range.schema>;

export const Status = def('status', closed({ namespace: count('000 for MSRP.'), code: count('Status code (200, 408, 481 ...).'), comment: str('Reason text; empty when none.') }));
export type JsonStatus = Static<typeof Status.schema>;

export const Header = def('header', closed({ name: str(), value: str() }));
export type JsonHeader = Static<typeof Header.schema>;

/** a=file-selector (RFC 5547). */
export const FileSelector = def(
  'fileSelector',
  closed({
    name: nullable(str()),
    type: nullable(str()),
    size: nullable(count()),
    hash: nullable(closed({ algorithm: str(), hex: str() })),
  }),
);
export type JsonFileSelector = Static<typeof FileSelector.schema>;

/** [start, end] byte intervals. */
export const intervals = Type.Array(pairOf(count()));
