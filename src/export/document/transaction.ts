/** `transactions[]`: one MSRP request and its response, with the raw and typed headers of each. */
import { Type, type Static } from '@sinclair/typebox';
import { direction, flag, Header, Range, Status, Time } from './common.js';
import { bool, closed, count, def, described, enumOf, nullable, num, str, strings } from './declare.js';

/** URI parameters / header parameters as [name, value] pairs (null value for a bare name). */
export const Params = def(
  'params',
  Type.Array(
    Type.Unsafe<[string, string | null]>({
      type: 'array',
      prefixItems: [Type.String(), nullable(Type.String())],
      items: false,
      minItems: 2,
    }),
  ),
);
export type JsonParams = Static<typeof Params.schema>;

export const MsrpUri = def(
  'msrpUri',
  closed({
    raw: str(),
    scheme: enumOf(['msrp', 'msrps']),
    user: nullable(str()),
    host: str(),
    hostKind: enumOf(['ipv4', 'ipv6', 'fqdn']),
    dotInvalid: bool(),
    port: nullable(count()),
    sessionId: nullable(str()),
    transport: str(),
    params: Params.ref,
  }),
);
export type JsonMsrpUri = Static<typeof MsrpUri.schema>;

export const AuthValue = def('authValue', closed({ scheme: nullable(str()), params: Params.ref }));

export const TypedHeaders = def(
  'typedHeaders',
  closed(
    {
      toPath: nullable(Type.Array(MsrpUri.ref)),
      fromPath: nullable(Type.Array(MsrpUri.ref)),
      usePath: nullable(Type.Array(MsrpUri.ref)),
      messageId: nullable(str()),
      byteRange: nullable(Range.ref),
      successReport: enumOf(['yes', 'no', null]),
      failureReport: enumOf(['yes', 'no', 'partial', null]),
      status: nullable(Status.ref),
      contentType: nullable(closed({ type: str(), subtype: str(), mediaType: str(), params: Params.ref })),
      contentId: nullable(str()),
      contentDescription: nullable(str()),
      contentDisposition: nullable(closed({ disposition: str(), params: Params.ref })),
      expires: nullable(count()),
      minExpires: nullable(count()),
      maxExpires: nullable(count()),
      wwwAuthenticate: nullable(AuthValue.ref),
      authorization: nullable(AuthValue.ref),
      authenticationInfo: nullable(AuthValue.ref),
      useNickname: nullable(str()),
      other: Type.Array(Header.ref),
    },
    'The headers RFC 4975 / 4976 / 7701 define, typed by src/msrp/headers.ts; the rest raw in `other`.',
  ),
);
export type JsonTypedHeaders = Static<typeof TypedHeaders.schema>;

const requestPart = closed({
  direction,
  at: described(Time.ref, 'Where its start-line is.'),
  lastFrame: count('The frame that held its end-line.'),
  bodyLength: count('Body bytes on the wire.'),
  flag,
  truncated: bool('Cut before its end-line (a gap, the end of the capture or connection, the next start-line): not counted in summary.requests.'),
  headers: described(Type.Array(Header.ref), 'Every header line as sent, in order.'),
  typed: TypedHeaders.ref,
});
export type JsonRequestPart = Static<typeof requestPart>;

const responsePart = closed({
  direction,
  status: count('Status code of the start-line.'),
  comment: str('Reason phrase; empty when none.'),
  at: Time.ref,
  lastFrame: count(),
  truncated: bool('Cut before its end-line: not counted in summary.responses.'),
  headers: Type.Array(Header.ref),
  typed: TypedHeaders.ref,
});
export type JsonResponsePart = Static<typeof responsePart>;

export const Transaction = def(
  'transaction',
  closed({
    id: count('0-based index; messages, REPORTs and AUTH attempts refer to it.'),
    connection: count('The connection (id) it ran on.'),
    transactionId: str('The transaction id of the start-line.'),
    method: nullable(str(), 'SEND, REPORT, AUTH ...; null when only the response was seen.'),
    from: str('Address (ip:port) the request came from.'),
    to: str('Address (ip:port) the request went to.'),
    state: enumOf(
      ['answered', 'unanswered', 'no-response-expected', 'orphan-response'],
      'answered; unanswered: a response was expected and none came; no-response-expected: REPORT, or Failure-Report no; orphan-response: the request was not seen.',
    ),
    expects: enumOf(['response', 'none', 'failure-only'], 'What the request asked for: a response, none (REPORT, Failure-Report: no), only a failure (Failure-Report: partial).'),
    request: nullable(requestPart, 'The request; null when only the response was seen.'),
    response: nullable(responsePart, 'The (first) response; null when none was seen.'),
    extraResponses: count('Responses after the first (duplicates).'),
    rttMs: nullable(num(), 'From the request to its response.'),
    toPath: strings('To-Path URIs of the request.'),
    fromPath: strings('From-Path URIs of the request.'),
    messageId: nullable(str()),
    byteRange: nullable(Range.ref, 'Byte-Range of the request.'),
    contentType: nullable(str()),
    status: nullable(Status.ref, 'Status header of a REPORT.'),
    message: nullable(count(), 'The message (index) a SEND or REPORT belongs to.'),
    session: nullable(count(), 'The session (id) it belongs to.'),
  }),
);
export type JsonTransaction = Static<typeof Transaction.schema>;
