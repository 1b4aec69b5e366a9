import { xmlElement } from './xml-element.js';

/** isComposing (RFC 3994) indications: application/im-iscomposing+xml. */
export interface ComposingState {
  state: 'active' | 'idle' | undefined;
  contentType: string | undefined;
  /** Refresh interval in seconds. */
  refresh: number | undefined;
  lastActive: string | undefined;
}

export const COMPOSING_CONTENT_TYPE = 'application/im-iscomposing+xml';

function element(xml: string, name: string): string | undefined {
  return xmlElement(xml, name, 256);
}

export function decodeComposing(xml: string): ComposingState | undefined {
  if (!/<(?:[A-Za-z0-9_.-]+:)?isComposing[\s>]/i.test(xml)) return undefined;
  const st = element(xml, 'state')?.toLowerCase();
  const refresh = element(xml, 'refresh');
  return {
    state: st === 'active' || st === 'idle' ? st : undefined,
    contentType: element(xml, 'contenttype'),
    refresh: refresh !== undefined && /^\d{1,9}$/.test(refresh) ? Number(refresh) : undefined,
    lastActive: element(xml, 'lastactive'),
  };
}
