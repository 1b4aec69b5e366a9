/**
 * The one place a message body is interpreted: the CPIM envelope (RFC 3862), and inside it (or bare) an
 * IMDN notification (RFC 5438) or an isComposing indication (RFC 3994). Outputs format what it decoded
 * (and body-preview.ts's text) and decide nothing of their own.
 */
import { COMPOSING_CONTENT_TYPE, decodeComposing, type ComposingState } from './composing.js';
import { decodeCpim, type CpimEnvelope } from './cpim.js';
import { mediaType } from './file-transfer.js';
import { decodeImdn, IMDN_CONTENT_TYPE, type ImdnNotification } from './imdn.js';

export interface DecodedBody {
  /** The envelope, when the body is message/cpim with at least one header. */
  cpim: CpimEnvelope | undefined;
  /** What the body (or the body inside CPIM) says when it is message/imdn+xml naming a message. */
  notification: ImdnNotification | undefined;
  /** The typing state, when the body (or the body inside CPIM) is application/im-iscomposing+xml. */
  composing: ComposingState | undefined;
}

const NOTHING: DecodedBody = Object.freeze({ cpim: undefined, notification: undefined, composing: undefined });

/**
 * Decodes a body of type `contentType` from `bytes`, its start as the model collected it (at most
 * PREVIEW_BYTES); `whole` says `bytes` is the entire body. An undecodable CPIM envelope (no header)
 * decodes to nothing; XML that is not well-formed decodes to no notification / no typing state. `lists`: the
 * envelope's lists too (decodeCpim).
 */
export function decodeBody(contentType: string | undefined, bytes: Buffer, whole: boolean, lists = true): DecodedBody {
  let type = mediaType(contentType);
  let inner = bytes;
  let innerWhole = whole;
  let cpim: CpimEnvelope | undefined;
  if (type === 'message/cpim') {
    cpim = decodeCpim(bytes, whole, lists);
    if (cpim === undefined) return NOTHING;
    type = mediaType(cpim.contentType);
    inner = cpim.body;
    innerWhole = !cpim.bodyTruncated;
  }
  return {
    cpim,
    notification: type === IMDN_CONTENT_TYPE ? decodeImdn(inner, innerWhole) : undefined,
    composing: type === COMPOSING_CONTENT_TYPE ? decodeComposing(inner, innerWhole) : undefined,
  };
}
