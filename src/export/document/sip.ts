/** `sip[]`: SIP dialogs whose SDP offered MSRP media, and the MSRP sessions they set up. */
import { Type, type Static } from '@sinclair/typebox';
import { FileSelector, Time } from './common.js';
import { bool, closed, count, countMap, counts, def, enumOf, nullable, str, strings } from './declare.js';

export const MsrpMedia = def(
  'msrpMedia',
  closed({
    transport: str(),
    proto: str(),
    port: count(),
    address: nullable(str()),
    path: strings(),
    sessionId: nullable(str()),
    acceptTypes: strings(),
    acceptWrappedTypes: strings(),
    maxSize: nullable(count()),
    setup: nullable(str()),
    connection: nullable(str()),
    cema: bool(),
    direction: nullable(str()),
    fileSelector: nullable(FileSelector.ref),
    fileTransferId: nullable(str()),
    fileDisposition: nullable(str()),
  }),
);
export type JsonMsrpMedia = Static<typeof MsrpMedia.schema>;

export const SdpExchange = def(
  'sdpExchange',
  closed({
    kind: enumOf(['request', 'response']),
    method: nullable(str()),
    status: nullable(count()),
    at: Time.ref,
    frames: counts(),
    src: str(),
    dst: str(),
    msrp: Type.Array(MsrpMedia.ref),
  }),
);
export type JsonSdpExchange = Static<typeof SdpExchange.schema>;

export const SipDialog = def(
  'sipDialog',
  closed({
    id: count('0-based index; sessions refer to it.'),
    callId: str('Call-ID header.'),
    transport: str('udp or tcp (SIP over TLS decrypted is tcp).'),
    from: nullable(str(), 'From header of the first request.'),
    to: nullable(str(), 'To header of the first request.'),
    state: str('early, confirmed or terminated.'),
    terminatedBy: nullable(str(), 'What ended it (BYE, CANCEL, a failure response).'),
    byeFrom: nullable(str(), 'caller or callee, for a BYE.'),
    messages: count('SIP messages of the dialog.'),
    requests: countMap(),
    responses: countMap(),
    invites: count(),
    reInvites: count(),
    updates: count(),
    offer: nullable(SdpExchange.ref, 'The SDP offer with MSRP media.'),
    answer: nullable(SdpExchange.ref, 'The SDP answer.'),
    msrpSessionIds: strings('Session-ids of the MSRP paths in the SDP.'),
    sessions: counts('MSRP sessions (ids) it set up.'),
    first: Time.ref,
    last: Time.ref,
  }),
);
export type JsonSipDialog = Static<typeof SipDialog.schema>;
