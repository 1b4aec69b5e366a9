import { xmlElement } from './xml-element.js';
export { decodeEntities } from './imdn-entities.js';
/** IMDN (RFC 5438) notification bodies: message/imdn+xml. */

export type ImdnKind = 'delivery' | 'display' | 'processing';

export interface ImdnNotification {
  /** The imdn.Message-ID of the message this notification is about. */
  messageId: string;
  kind: ImdnKind | undefined;
  /** delivered, failed, forbidden, error, displayed, processed, stored, ... */
  status: string | undefined;
  dateTime: string | undefined;
  recipient: string | undefined;
}

export const IMDN_CONTENT_TYPE = 'message/imdn+xml';

const MAX_TEXT = 256;

function element(xml: string, name: string): string | undefined {
  return xmlElement(xml, name, MAX_TEXT);
}


/** Decodes an IMDN document; undefined when it names no message. */
export function decodeImdn(xml: string): ImdnNotification | undefined {
  const messageId = element(xml, 'message-id');
  if (messageId === undefined || messageId === '') return undefined;
  let kind: ImdnKind | undefined;
  const k = /<(?:[A-Za-z0-9_.-]+:)?(delivery|display|processing)-notification[\s>]/i.exec(xml);
  if (k !== null) kind = (k[1] ?? '').toLowerCase() as ImdnKind;
  let status: string | undefined;
  const s = /<(?:[A-Za-z0-9_.-]+:)?status(?:\s[^>]*)?>\s*<(?:[A-Za-z0-9_.-]+:)?([A-Za-z-]{1,32})\s*\/?>/i.exec(xml);
  if (s !== null) status = (s[1] ?? '').toLowerCase();
  return {
    messageId,
    kind,
    status,
    dateTime: element(xml, 'datetime'),
    recipient: element(xml, 'recipient-uri'),
  };
}
