import { decodeBody } from './body-decoder.js';
import type { MessageRecord } from './messages.js';

/**
 * Decodes what the body says (see body-decoder.ts) from its preview, the body's first PREVIEW_BYTES, and
 * keeps it on the message. `lists`: the CPIM envelope's lists too (decodeCpim).
 */
export function decodeContent(m: MessageRecord, preview: Buffer, lists = true): void {
  const size = m.size();
  const whole = m.state() === 'complete' && size !== null && size <= preview.length;
  const d = decodeBody(m.contentType, preview, whole, lists);
  m.cpim = d.cpim;
  m.notification = d.notification;
  m.composing = d.composing;
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
