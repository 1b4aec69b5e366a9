import { childText, parseXml } from './xml-tree.js';

/** isComposing (RFC 3994) indications: application/im-iscomposing+xml. */
export interface ComposingState {
  state: 'active' | 'idle' | undefined;
  contentType: string | undefined;
  /** Refresh interval in seconds. */
  refresh: number | undefined;
  lastActive: string | undefined;
}

export const COMPOSING_CONTENT_TYPE = 'application/im-iscomposing+xml';
/** The namespace of every isComposing element. */
export const COMPOSING_XML_NS = 'urn:ietf:params:xml:ns:im-iscomposing';

const MAX_TEXT = 256;

/**
 * Decodes an isComposing document (`<isComposing>` in its namespace); undefined when it is not one or is
 * not well-formed. `whole` false: `body` is the start of a longer document.
 */
export function decodeComposing(body: Buffer | string, whole = true): ComposingState | undefined {
  const root = parseXml(typeof body === 'string' ? Buffer.from(body) : body, whole);
  if (root === undefined || root.uri !== COMPOSING_XML_NS || root.local !== 'isComposing') return undefined;
  const text = (name: string): string | undefined => childText(root, COMPOSING_XML_NS, name, MAX_TEXT);
  const st = text('state')?.toLowerCase();
  const refresh = text('refresh');
  return {
    state: st === 'active' || st === 'idle' ? st : undefined,
    contentType: text('contenttype'),
    refresh: refresh !== undefined && /^\d{1,9}$/.test(refresh) ? Number(refresh) : undefined,
    lastActive: text('lastactive'),
  };
}
