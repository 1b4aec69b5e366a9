import { COMPOSING_CONTENT_TYPE, decodeComposing } from './composing.js';
import { decodeCpim } from './cpim.js';
import { mediaType } from './file-transfer.js';
import { decodeImdn, IMDN_CONTENT_TYPE } from './imdn.js';
import type { MessageRecord } from './messages.js';

/**
 * Decodes what the body says from its preview: the CPIM envelope (RFC 3862), and inside it (or bare) an
 * IMDN notification (RFC 5438) or an isComposing indication (RFC 3994).
 */
export function decodeContent(m: MessageRecord, preview: Buffer): void {
  let type = mediaType(m.contentType);
  let inner = preview;
  const size = m.size();
  const whole = m.state() === 'complete' && size !== null && size <= preview.length;
  if (type === 'message/cpim') {
    const env = decodeCpim(preview, whole);
    if (env === undefined) return;
    m.cpim = env;
    type = mediaType(env.contentType);
    inner = env.body;
  }
  if (type === IMDN_CONTENT_TYPE) m.notification = decodeImdn(inner.toString('utf8'));
  else if (type === COMPOSING_CONTENT_TYPE) m.composing = decodeComposing(inner.toString('utf8'));
}

/**
 * IMDN links (RFC 5438): a message whose CPIM envelope carries imdn.Message-ID, and the notifications
 * that name it, matched in either order of arrival (bounded waiting list for notifications seen first).
 */
export class ImdnLinks {
  private readonly originals = new Map<string, MessageRecord>();
  private readonly waiting = new Map<string, MessageRecord[]>();

  /** Registers a decoded message: as an original, a notification, or neither. */
  link(m: MessageRecord): void {
    const imdnId = m.cpim?.imdnMessageId;
    if (imdnId !== undefined && m.notification === undefined) {
      if (!this.originals.has(imdnId)) this.originals.set(imdnId, m);
      const waiting = this.waiting.get(imdnId);
      if (waiting !== undefined) {
        this.waiting.delete(imdnId);
        for (const n of waiting) attach(m, n);
      }
    }
    const n = m.notification;
    if (n === undefined) return;
    const original = this.originals.get(n.messageId);
    if (original !== undefined) attach(original, m);
    else {
      const l = this.waiting.get(n.messageId);
      if (l === undefined) {
        if (this.waiting.size < 65536) this.waiting.set(n.messageId, [m]);
      } else if (l.length < 64) l.push(m);
    }
  }
}

function attach(original: MessageRecord, notification: MessageRecord): void {
  if (notification.acknowledges !== undefined) return;
  notification.acknowledges = original;
  original.addNotification(notification);
}
