/** `connections[]`: one TCP connection, its per-direction statistics and its WebSocket / TLS facts. */
import { Type, type Static } from '@sinclair/typebox';
import { Endpoint, Time } from './common.js';
import { bool, closed, count, countMap, counts, def, described, enumOf, nullable, num, str } from './declare.js';
import { Tls, WebSocket } from './transport.js';

export const DirStats = def(
  'dirStats',
  closed({
    packets: count('TCP segments in this direction.'),
    bytes: count('TCP payload bytes, retransmissions included.'),
    delivered: count('Stream bytes handed up in order (each byte once).'),
    retransmissions: count('Segments that repeated bytes already seen.'),
    outOfOrder: count('Segments that arrived before bytes they follow.'),
    gaps: count('Holes in the stream (bytes never captured).'),
    missingBytes: count('Bytes in those holes.'),
  }),
);
export type JsonDirStats = Static<typeof DirStats.schema>;

export const Connection = def(
  'connection',
  closed({
    id: count('0-based, in order of first packet (like tcp.stream).'),
    proto: Type.Literal('tcp'),
    client: described(Endpoint.ref, 'The side that opened the connection.'),
    server: Endpoint.ref,
    transport: enumOf(['tcp', 'tls', 'websocket'], 'What MSRP or SIP is carried in: plain TCP, TLS, WebSocket (inside TLS too).'),
    msrp: bool('MSRP was parsed on it.'),
    sawSyn: bool('The capture holds its SYN (else it started mid-connection).'),
    first: described(Time.ref, 'First packet.'),
    last: described(Time.ref, 'Last packet.'),
    durationMs: num('From first to last packet.'),
    // Typed as the string it has always been; the schema names the values.
    ended: Type.Unsafe<string | null>({
      enum: ['fin', 'rst', 'capture-end', 'evicted', null],
      description: 'How it ended: FIN, RST, still open when the capture ended, dropped by the connection table bound.',
    }),
    stats: closed({ c2s: DirStats.ref, s2c: DirStats.ref }, 'TCP statistics per direction.'),
    requests: countMap('Complete MSRP requests by method on this connection.'),
    responses: countMap('Complete MSRP responses by status code on this connection.'),
    sessions: counts('Sessions (ids) with transactions on it.'),
    label: str('What it carries, in words: `MSRP`, `MSRP over WebSocket`, `MSRP over TLS (encrypted)`, `TLS (encrypted)`, `TCP`.'),
    msrpOverTls: nullable(str(), 'Why an encrypted connection is probably MSRP (SDP, msrps: URI, SNI, ALPN, port), else null.'),
    websocket: nullable(WebSocket.ref, 'Handshake facts and frame counts of a WebSocket connection.'),
    tls: nullable(Tls.ref, 'Clear-text handshake facts, records and bytes of a TLS connection.'),
  }),
);
export type JsonConnection = Static<typeof Connection.schema>;
