/** `auth[]`: one AUTH exchange with a relay (RFC 4976), its attempts and result. */
import { Type, type Static } from '@sinclair/typebox';
import { Time } from './common.js';
import { bool, closed, count, def, enumOf, nullable, num, str, strings } from './declare.js';

const attempt = closed({
  transaction: count(),
  at: Time.ref,
  authorization: bool(),
  status: nullable(count()),
  rttMs: nullable(num()),
  expires: nullable(count()),
  minExpires: nullable(count()),
});
export type JsonAuthAttempt = Static<typeof attempt>;

export const Auth = def(
  'auth',
  closed({
    id: count(),
    connection: count(),
    client: str(),
    relay: str(),
    attempts: Type.Array(attempt),
    attemptCount: count(),
    result: enumOf(['authorized', 'challenged', 'rejected', 'unanswered']),
    code: nullable(count()),
    usePath: strings(),
    expires: nullable(count()),
    first: Time.ref,
    last: Time.ref,
  }),
);
export type JsonAuth = Static<typeof Auth.schema>;
