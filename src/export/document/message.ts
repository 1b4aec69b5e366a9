/** `messages[]`: one MSRP message, its legs (one per connection it crossed), REPORTs, delivery and decoded body. */
import { Type, type Static } from '@sinclair/typebox';
import { direction, FileSelector, flag, Header, intervals, messageState, Range, Status, Time } from './common.js';
import { bool, closed, count, countMap, counts, def, enumOf, nullable, num, str, strings } from './declare.js';

const rtt = closed({ min: num(), max: num(), mean: num(), count: count() });
export type JsonRtt = Static<typeof rtt>;

export const Leg = def(
  'leg',
  closed({
    connection: count(),
    direction,
    from: str(),
    to: str(),
    hops: count('URIs in the To-Path on this leg (1: the next hop is the receiver).'),
    chunks: count(),
    bytes: count(),
    covered: count(),
    ranges: intervals,
    holes: intervals,
    overlapBytes: count(),
    outOfOrder: count(),
    truncatedChunks: count(),
    total: nullable(count()),
    lastFlag: flag,
    state: messageState,
    first: Time.ref,
    last: Time.ref,
    delayMs: num("From the previous leg's first chunk (0 for the first leg)."),
    offsetMs: num("From the message's first chunk."),
    responses: countMap(),
    rttMs: nullable(rtt),
    finalResponse: nullable(closed({ status: count(), frame: count(), rttMs: nullable(num()) })),
    sha256: nullable(str()),
  }),
);
export type JsonLeg = Static<typeof Leg.schema>;

export const Report = def(
  'report',
  closed({
    transaction: count(),
    connection: count(),
    direction,
    at: Time.ref,
    status: nullable(Status.ref),
    byteRange: nullable(Range.ref),
  }),
);
export type JsonReport = Static<typeof Report.schema>;

export const Delivery = def(
  'delivery',
  closed({
    state: enumOf(['delivered', 'failed', 'unknown']),
    code: nullable(count()),
    via: enumOf(['report', 'response', null]),
    at: nullable(Time.ref),
    latencyMs: nullable(num()),
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
    id: count(),
    messageId: str(),
    session: nullable(count()),
    from: nullable(str()),
    to: nullable(str()),
    contentType: nullable(str()),
    contentDisposition: nullable(str()),
    size: nullable(count()),
    bytesSeen: count(),
    state: messageState,
    chunks: count(),
    sha256: nullable(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    sha1: nullable(Type.String({ pattern: '^[0-9a-f]{40}$' })),
    preview: nullable(str()),
    previewTruncated: bool(),
    first: Time.ref,
    last: Time.ref,
    successReport: reportRequest,
    failureReport: reportRequest,
    legs: Type.Array(Leg.ref),
    reports: Type.Array(Report.ref),
    reportCount: count(),
    delivery: Delivery.ref,
    cpim: nullable(Cpim.ref),
    imdn: nullable(Imdn.ref),
    notifications: counts('IMDN notifications (message indices) that acknowledge this message.'),
    composing: nullable(Composing.ref),
    file: nullable(File.ref),
  }),
);
export type JsonMessage = Static<typeof Message.schema>;
