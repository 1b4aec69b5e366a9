/** `auth[]`: one AUTH exchange with a relay (RFC 4976), its attempts and result. */
import { Type, type Static } from '@sinclair/typebox';
import { Time } from './common.js';
import { bool, closed, count, def, described, enumOf, nullable, num, str, strings } from './declare.js';

const attempt = closed({
  transaction: count('The AUTH transaction (index in transactions[]).'),
  at: Time.ref,
  authorization: bool('It carried an Authorization header.'),
  status: nullable(count(), 'Status of its response; null when none.'),
  rttMs: nullable(num()),
  expires: nullable(count(), 'Expires of the response.'),
  minExpires: nullable(count(), 'Min-Expires of a 423 response.'),
});
export type JsonAuthAttempt = Static<typeof attempt>;

export const Auth = def(
  'auth',
  closed({
    id: count(),
    connection: count('The connection (id) to the relay.'),
    client: str('URI of the client (From-Path).'),
    relay: str('URI of the relay (To-Path).'),
    attempts: described(Type.Array(attempt), 'AUTH requests in order (bounded: the last slot holds the latest; attemptCount counts all).'),
    attemptCount: count('AUTH requests of the exchange.'),
    result: enumOf(
      ['authorized', 'challenged', 'rejected', 'unanswered'],
      'authorized: 2xx; challenged: the last answer was 401; rejected: another failure; unanswered: no response.',
    ),
    code: nullable(count(), 'Status of the last response.'),
    usePath: strings('Use-Path the relay granted.'),
    expires: nullable(count(), 'Expires of the 200.'),
    first: Time.ref,
    last: Time.ref,
  }),
);
export type JsonAuth = Static<typeof Auth.schema>;
