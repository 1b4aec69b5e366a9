/** `connections[]`: one TCP connection, its per-direction statistics and its WebSocket / TLS facts. */
import { Type, type Static } from '@sinclair/typebox';
import { Endpoint, Time } from './common.js';
import { bool, closed, count, countMap, counts, def, enumOf, nullable, num, str } from './declare.js';
import { Tls, WebSocket } from './transport.js';

export const DirStats = def(
  'dirStats',
  closed({
    packets: count(),
    bytes: count(),
    delivered: count(),
    retransmissions: count(),
    outOfOrder: count(),
    gaps: count(),
    missingBytes: count(),
  }),
);
export type JsonDirStats = Static<typeof DirStats.schema>;

export const Connection = def(
  'connection',
  closed({
    id: count(),
    proto: Type.Literal('tcp'),
    client: Endpoint.ref,
    server: Endpoint.ref,
    transport: enumOf(['tcp', 'tls', 'websocket']),
    msrp: bool(),
    sawSyn: bool(),
    first: Time.ref,
    last: Time.ref,
    durationMs: num(),
    // Typed as the string it has always been; the schema names the values.
    ended: Type.Unsafe<string | null>({ enum: ['fin', 'rst', 'capture-end', 'evicted', null] }),
    stats: closed({ c2s: DirStats.ref, s2c: DirStats.ref }),
    requests: countMap(),
    responses: countMap(),
    sessions: counts(),
    label: str('What it carries, in words: `MSRP`, `MSRP over WebSocket`, `MSRP over TLS (encrypted)`, `TLS (encrypted)`, `TCP`.'),
    msrpOverTls: nullable(str(), 'Why an encrypted connection is probably MSRP (SDP, msrps: URI, SNI, ALPN, port), else null.'),
    websocket: nullable(WebSocket.ref, 'Handshake facts and frame counts of a WebSocket connection.'),
    tls: nullable(Tls.ref, 'Clear-text handshake facts, records and bytes of a TLS connection.'),
  }),
);
export type JsonConnection = Static<typeof Connection.schema>;
