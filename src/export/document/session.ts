/** `sessions[]`: one MSRP session (a pair of endpoint URIs) across its connections. */
import type { Static } from '@sinclair/typebox';
import { FileSelector, Time } from './common.js';
import { closed, count, countMap, counts, def, described, nullable, num, pairOf, str, strings } from './declare.js';

export const Uri = def('uri', closed({ uri: str('MSRP URI of the endpoint (last URI of To-Path or From-Path).'), sessionId: nullable(str(), 'Its session-id part.') }));
export type JsonUri = Static<typeof Uri.schema>;

export const Session = def(
  'session',
  closed({
    id: count('0-based, in order of first sight; messages and transactions refer to it.'),
    endpoints: pairOf(Uri.ref, 'The two ends: a session is the unordered pair of their session-ids, the same on every leg.'),
    relays: strings('Relay URIs between them (RFC 4976), in path order.'),
    connections: counts('Connections (ids) that carried its transactions, one per hop.'),
    requests: countMap('Complete requests by method, every wire occurrence (a relayed SEND counts once per hop).'),
    messages: count('Messages (Message-IDs) of the session.'),
    bytes: count('Distinct message body bytes seen (each message counted once).'),
    wireBytes: count('Body bytes of SEND chunks on every leg.'),
    first: described(Time.ref, 'Its first MSRP request or response.'),
    last: described(Time.ref, 'Its last MSRP request or response.'),
    durationMs: num('From first to last.'),
    sip: nullable(closed({ dialog: count('Index in sip[].'), callId: str() }), 'The SIP dialog whose SDP set it up, when seen.'),
    fileSelector: nullable(FileSelector.ref, 'The SDP a=file-selector of a file transfer (RFC 5547).'),
  }),
);
export type JsonSession = Static<typeof Session.schema>;
