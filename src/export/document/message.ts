/** `messages[]`: one MSRP message, its legs (one per connection it crossed), REPORTs, delivery and decoded body. */
import { Type, type Static } from '@sinclair/typebox';
import { direction, FileSelector, flag, Header, intervals, messageState, Range, Status, Time } from './common.js';
import { bool, closed, count, countMap, counts, def, described, enumOf, nullable, num, str, strings } from './declare.js';

const rtt = closed({ min: num(), max: num(), mean: num(), count: count() });
export type JsonRtt = Static<typeof rtt>;

export const Leg = def(
  'leg',
  closed({
    connection: count('The connection (id) of this hop.'),
    direction,
    from: str('Sender address (ip:port) on this hop.'),
    to: str('Receiver address (ip:port) on this hop.'),
    hops: count('URIs in the To-Path on this leg (1: the next hop is the receiver).'),
    chunks: count('SEND chunks on this hop.'),
    bytes: count('Body bytes of those chunks (repeats included).'),
    covered: count('Distinct body bytes on this hop.'),
    ranges: described(intervals, 'Byte intervals [start, end] that arrived.'),
    holes: described(intervals, 'Byte intervals [start, end] missing before the total.'),
    overlapBytes: count('Bytes that arrived more than once.'),
    outOfOrder: count('Chunks that did not start where the previous one ended.'),
    truncatedChunks: count('Chunks cut before their end-line.'),
    total: nullable(count(), 'The message size as the Byte-Range totals say; null while `*`.'),
    lastFlag: described(flag, 'End-line flag of the last chunk.'),
    state: messageState,
    first: Time.ref,
    last: Time.ref,
    delayMs: num("From the previous leg's first chunk (0 for the first leg)."),
    offsetMs: num("From the message's first chunk."),
    responses: countMap('Responses to its chunks by status code.'),
    rttMs: nullable(rtt, 'Request-to-response times of its chunks.'),
    finalResponse: nullable(closed({ status: count(), frame: count(), rttMs: nullable(num()) }), 'The response to the last chunk ($), when seen.'),
    sha256: nullable(str(), 'SHA-256 (hex) of the body as it crossed this hop, when complete.'),
  }),
);
export type JsonLeg = Static<typeof Leg.schema>;

export const Report = def(
  'report',
  closed({
    transaction: count('The REPORT transaction (index in transactions[]).'),
    connection: count(),
    direction,
    at: Time.ref,
    status: nullable(Status.ref, 'Its Status header.'),
    byteRange: nullable(Range.ref, 'The bytes it reports on.'),
  }),
);
export type JsonReport = Static<typeof Report.schema>;

export const Delivery = def(
  'delivery',
  closed({
    state: enumOf(
      ['delivered', 'failed', 'unknown'],
      'failed: a failure REPORT or a response >= 300 on any hop; delivered: success REPORTs covering the body, or a 2xx to the last chunk from the hop whose next stop is the receiver; else unknown.',
    ),
    code: nullable(count(), 'The status code that decided it.'),
    via: enumOf(['report', 'response', null], 'What decided it.'),
    at: nullable(Time.ref, 'When it was decided.'),
    latencyMs: nullable(num(), "From the message's first chunk to that moment."),
  }),
);
export type JsonDelivery = Static<typeof Delivery.schema>;

export const Cpim = def(
  'cpim',
  closed({
    from: nullable(str()),
    to: strings(),
    cc: strings(),
    dateTime: nullable(str()),
    subject: strings(),
    ns: Type.Array(closed({ prefix: str(), uri: str() })),
    imdnMessageId: nullable(str()),
    imdnDisposition: nullable(str()),
    headers: Type.Array(Header.ref),
    contentType: nullable(str()),
    contentHeaders: Type.Array(Header.ref),
  }),
);
export type JsonCpim = Static<typeof Cpim.schema>;

export const Imdn = def(
  'imdn',
  closed({
    messageId: str(),
    kind: enumOf(['delivery', 'display', 'processing', null]),
    status: nullable(str()),
    dateTime: nullable(str()),
    recipient: nullable(str()),
    acknowledges: nullable(count(), 'The message (index) this notification is about, when it was seen.'),
  }),
);
export type JsonImdnNotification = Static<typeof Imdn.schema>;

export const Composing = def(
  'composing',
  closed({
    state: enumOf(['active', 'idle', null]),
    contentType: nullable(str()),
    refresh: nullable(count()),
    lastActive: nullable(str()),
  }),
);
export type JsonComposing = Static<typeof Composing.schema>;

export const File = def(
  'file',
  closed({
    selector: FileSelector.ref,
    state: enumOf(['verified', 'mismatch', 'incomplete', 'unverified']),
    expectedSize: nullable(count()),
    actualSize: nullable(count()),
    algorithm: nullable(str()),
    expectedHash: nullable(str()),
    actualHash: nullable(str()),
  }),
);
export type JsonFile = Static<typeof File.schema>;

/** Success-Report / Failure-Report as the request asked (typed as a string, the schema names the values). */
const reportRequest = Type.Unsafe<string | null>({ enum: ['yes', 'no', 'partial', null] });

export const Message = def(
  'message',
  closed({
    id: count('0-based index; transactions refer to it.'),
    messageId: str('The Message-ID header.'),
    session: nullable(count(), 'The session (id) it belongs to.'),
    from: nullable(str(), 'Sender endpoint URI (last of From-Path).'),
    to: nullable(str(), 'Receiver endpoint URI (last of To-Path).'),
    contentType: nullable(str(), 'Content-Type of its first chunk.'),
    contentDisposition: nullable(str()),
    size: nullable(count(), 'Size from the Byte-Range total (or the end of a complete leg); null when not known.'),
    bytesSeen: count('Most distinct body bytes seen on one leg.'),
    state: messageState,
    chunks: count('Largest chunk count on one leg.'),
    sha256: nullable(Type.String({ pattern: '^[0-9a-f]{64}$' }), 'SHA-256 (hex) of the whole body, when complete.'),
    sha1: nullable(Type.String({ pattern: '^[0-9a-f]{40}$' }), 'SHA-1 (hex), when a file-selector asks for it.'),
    preview: nullable(str(), 'The start of the body as text (CPIM and IMDN unwrapped), escaped; null for binary bodies.'),
    previewTruncated: bool('The preview is shorter than the body.'),
    first: described(Time.ref, 'Its first chunk on any hop.'),
    last: described(Time.ref, 'Its last chunk, response or REPORT.'),
    successReport: described(reportRequest, 'Success-Report header of the first chunk.'),
    failureReport: described(reportRequest, 'Failure-Report header of the first chunk.'),
    legs: described(Type.Array(Leg.ref), 'One leg per hop (connection and direction) it crossed, in order of first sight.'),
    reports: described(Type.Array(Report.ref), 'REPORT requests about it (the first ones; reportCount counts all).'),
    reportCount: count('REPORT requests about it.'),
    delivery: Delivery.ref,
    cpim: nullable(Cpim.ref, 'The Message/CPIM envelope (RFC 3862) of the body.'),
    imdn: nullable(Imdn.ref, 'The IMDN notification (RFC 5438) this message carries.'),
    notifications: counts('IMDN notifications (message indices) that acknowledge this message.'),
    composing: nullable(Composing.ref, 'An isComposing indication (RFC 3994).'),
    file: nullable(File.ref, 'A file transfer checked against the SDP file-selector.'),
  }),
);
export type JsonMessage = Static<typeof Message.schema>;
