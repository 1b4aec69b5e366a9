import { decodeEntities } from './imdn-entities.js';

/**
 * Text of the first `<[prefix:]name [attrs]>text</` in a small XML document (IMDN, isComposing), or undefined.
 * Attributes and text are bounded, so each `<` costs at most a fixed scan: linear in the document.
 */
export function xmlElement(xml: string, name: string, maxText: number): string | undefined {
  const re = new RegExp(`<(?:[A-Za-z0-9_.-]{1,64}:)?${name}(?:\\s[^>]{0,512})?>([^<]{0,${maxText}})<\\/`, 'i');
  const m = re.exec(xml);
  return m === null ? undefined : decodeEntities((m[1] ?? '').trim());
}
