/** Who is who between a session and the SIP dialog that set it up. */
import type { JsonSession, JsonSipDialog } from '../export/json-types.js';

/**
 * Whether the SIP caller (the dialog's From, whose request carried the SDP offer) is the session's second
 * endpoint: its session-id is in the offer and the first endpoint's is not.
 */
export function callerIsB(s: JsonSession, d: JsonSipDialog): boolean {
  const offerIds = new Set((d.offer?.kind === 'request' ? d.offer.msrp : []).map((m) => m.sessionId));
  return s.endpoints[1].sessionId !== null && offerIds.has(s.endpoints[1].sessionId) && !offerIds.has(s.endpoints[0].sessionId);
}
