/** `transactions[]`: one MSRP request and its response, with the raw and typed headers of each. */
import { Type, type Static } from '@sinclair/typebox';
import { direction, flag, Header, Range, Status, Time } from './common.js';
import { bool, closed, count, def, enumOf, nullable, num, str, strings } from './declare.js';

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
  at: Time.ref,
  lastFrame: count(),
  bodyLength: count(),
  flag,
  truncated: bool(),
  headers: Type.Array(Header.ref),
  typed: TypedHeaders.ref,
});
export type JsonRequestPart = Static<typeof requestPart>;

const responsePart = closed({
  direction,
  status: count(),
  comment: str(),
  at: Time.ref,
  lastFrame: count(),
  truncated: bool(),
  headers: Type.Array(Header.ref),
  typed: TypedHeaders.ref,
});
export type JsonResponsePart = Static<typeof responsePart>;

export const Transaction = def(
  'transaction',
  closed({
    id: count(),
    connection: count(),
    transactionId: str(),
    method: nullable(str()),
    from: str(),
    to: str(),
    state: enumOf(['answered', 'unanswered', 'no-response-expected', 'orphan-response']),
    expects: enumOf(['response', 'none', 'failure-only']),
    request: nullable(requestPart),
    response: nullable(responsePart),
    extraResponses: count(),
    rttMs: nullable(num()),
    toPath: strings(),
    fromPath: strings(),
    messageId: nullable(str()),
    byteRange: nullable(Range.ref),
    contentType: nullable(str()),
    status: nullable(Status.ref),
    message: nullable(count()),
    session: nullable(count()),
  }),
);
export type JsonTransaction = Static<typeof Transaction.schema>;
