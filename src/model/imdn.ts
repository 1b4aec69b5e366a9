import { childElement, childText, parseXml } from './xml-tree.js';
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
/** The namespace of every IMDN element. */
export const IMDN_XML_NS = 'urn:ietf:params:xml:ns:imdn';

const MAX_TEXT = 256;
/** A status is an element such as `<delivered/>`: its name is the status. */
const STATUS_NAME = /^[a-z][a-z-]{0,31}$/;

function kindOf(local: string): ImdnKind | undefined {
  switch (local) {
    case 'delivery-notification':
      return 'delivery';
    case 'display-notification':
      return 'display';
    case 'processing-notification':
      return 'processing';
    default:
      return undefined;
  }
}

/**
 * Decodes an IMDN document (`<imdn>` in the IMDN namespace); undefined when it is not one, is not
 * well-formed, or names no message. `whole` false: `body` is the start of a longer document.
 */
export function decodeImdn(body: Buffer | string, whole = true): ImdnNotification | undefined {
  const root = parseXml(typeof body === 'string' ? Buffer.from(body) : body, whole);
  if (root === undefined || root.uri !== IMDN_XML_NS || root.local !== 'imdn') return undefined;
  const messageId = childText(root, IMDN_XML_NS, 'message-id', MAX_TEXT);
  if (messageId === undefined || messageId === '') return undefined;
  let kind: ImdnKind | undefined;
  let status: string | undefined;
  const note = root.children.find((c) => c.uri === IMDN_XML_NS && kindOf(c.local) !== undefined);
  if (note !== undefined) {
    kind = kindOf(note.local);
    const st = childElement(note, IMDN_XML_NS, 'status');
    const value = st?.children.find((c) => c.uri === IMDN_XML_NS);
    if (value !== undefined && STATUS_NAME.test(value.local)) status = value.local;
  }
  return {
    messageId,
    kind,
    status,
    dateTime: childText(root, IMDN_XML_NS, 'datetime', MAX_TEXT),
    recipient: childText(root, IMDN_XML_NS, 'recipient-uri', MAX_TEXT),
  };
}
