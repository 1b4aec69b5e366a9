/**
 * The small XML documents message bodies carry (IMDN, isComposing) as a tree of elements, read by saxes:
 * strict well-formedness, namespaces resolved, every character and entity reference decoded. Only the
 * first XML_MAX_BYTES of a body are read (the bytes the model collects for decoding).
 */
import { SaxesParser } from 'saxes';
import { PREVIEW_BYTES } from './messages.js';

/** Bytes of a body the parser reads: a longer body is read that far, as a cut one. */
export const XML_MAX_BYTES = PREVIEW_BYTES;

export interface XmlElement {
  /** Namespace URI ('' when the element is in no namespace). */
  readonly uri: string;
  /** Local name (without prefix). */
  readonly local: string;
  readonly children: XmlElement[];
  /** Character data directly inside (text and CDATA sections, entities decoded; comments are not text). */
  text: string;
  /** Its end tag was read (false for an element still open where a cut document ends). */
  closed: boolean;
}

class DoctypeSeen extends Error {}

/**
 * The root element of `body`, or undefined when the document is not well-formed XML (or declares a DTD,
 * which neither format uses). `whole` says `body` is the entire document; when it is not (the capture or
 * the XML_MAX_BYTES bound cut it), what was read must be well-formed as far as it goes, and elements still
 * open at the cut have `closed` false.
 */
export function parseXml(body: Buffer, whole: boolean): XmlElement | undefined {
  const cut = !whole || body.length > XML_MAX_BYTES;
  const parser = new SaxesParser({ xmlns: true, position: false });
  let root: XmlElement | undefined;
  const open: XmlElement[] = [];
  const addText = (t: string): void => {
    const el = open[open.length - 1];
    if (el !== undefined) el.text += t;
  };
  parser.on('doctype', () => {
    throw new DoctypeSeen();
  });
  parser.on('opentag', (tag) => {
    const el: XmlElement = { uri: tag.uri, local: tag.local, children: [], text: '', closed: false };
    const parent = open[open.length - 1];
    if (parent === undefined) root = el;
    else parent.children.push(el);
    open.push(el);
  });
  parser.on('closetag', () => {
    const el = open.pop();
    if (el !== undefined) el.closed = true;
  });
  parser.on('text', addText);
  parser.on('cdata', addText);
  try {
    parser.write(body.subarray(0, XML_MAX_BYTES).toString('utf8'));
    if (!cut) parser.close();
  } catch {
    return undefined;
  }
  return root;
}

/** The first child element of `parent` named `local` in namespace `uri`. */
export function childElement(parent: XmlElement, uri: string, local: string): XmlElement | undefined {
  return parent.children.find((c) => c.uri === uri && c.local === local);
}

/**
 * Trimmed text of the first child element `local` in namespace `uri`: undefined when there is none, when
 * it was cut before its end tag, or when its text is longer than `maxText` characters.
 */
export function childText(parent: XmlElement, uri: string, local: string, maxText: number): string | undefined {
  const el = childElement(parent, uri, local);
  if (el === undefined || !el.closed) return undefined;
  const text = el.text.trim();
  return text.length > maxText ? undefined : text;
}
