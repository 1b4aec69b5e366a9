/** Small records shared by several sections: times, endpoints, Byte-Ranges, statuses, headers, file selectors. */
import { Type, type Static } from '@sinclair/typebox';
import { closed, count, def, enumOf, nullable, num, pairOf, str } from './declare.js';

/** ISO-8601 UTC at the capture's precision (up to nanoseconds). */
export const isoTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$' });

export const direction = enumOf(['c2s', 's2c']);
export type JsonDirection = Static<typeof direction>;

/** Continuation flag of a request's end-line. */
export const flag = enumOf(['$', '+', '#', null]);

export const messageState = enumOf(['complete', 'aborted', 'incomplete']);

/** A moment tied to a frame (1-based): ISO time and epoch seconds. */
export const Time = def('time', closed({ frame: count(), time: isoTime, epoch: num() }));
export type JsonTime = Static<typeof Time.schema>;

export const Endpoint = def('endpoint', closed({ address: str(), port: count() }));
export type JsonEndpoint = Static<typeof Endpoint.schema>;

/** A Byte-Range: positions are numbers, null for `*`. */
export const Range = def('range', closed({ start: count(), end: nullable(count()), total: nullable(count()) }));
export type JsonRange = Static<typeof Range.schema>;

export const Status = def('status', closed({ namespace: count(), code: count(), comment: str() }));
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
