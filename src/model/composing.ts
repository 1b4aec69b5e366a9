import { decodeEntities } from './imdn.js';

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
  const re = new RegExp(`<(?:[A-Za-z0-9_.-]+:)?${name}(?:\\s[^>]*)?>([^<]{0,256})<\\/`, 'i');
  const m = re.exec(xml);
  return m === null ? undefined : decodeEntities((m[1] ?? '').trim());
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
