/**
 * Which bodies read as text, and the text preview of a message: the start of its text (inside CPIM, the
 * encapsulated text), bounded. The preview is raw text: outputs escape it for where they write it.
 */
import type { CpimEnvelope } from './cpim.js';
import { mediaType } from './file-transfer.js';

/** Text preview length (characters) of a message. */
export const PREVIEW_CHARS = 200;

const TEXTUAL = /^(text\/|application\/(json|xml|[^;]*\+xml|[^;]*\+json)|message\/(cpim|imdn\+xml))/;

/** Does a body of this Content-Type read as text (a CPIM envelope does)? False when there is no type. */
export function isTextualType(contentType: string | null | undefined): boolean {
  const type = mediaType(contentType ?? undefined);
  return type !== undefined && TEXTUAL.test(type);
}

export interface BodyPreview {
  /** Raw (unescaped) text, or null when the body is not text or none of it was collected. */
  text: string | null;
  /** The text stops before the body does. */
  truncated: boolean;
}

/** What a message's preview is made from: its content type, collected bytes, size and decoded envelope. */
export interface PreviewSource {
  readonly contentType: string | undefined;
  readonly preview: Buffer | undefined;
  readonly cpim: CpimEnvelope | undefined;
  size(): number | null;
}

const NO_PREVIEW: BodyPreview = Object.freeze({ text: null, truncated: false });

/**
 * The preview of a message: its first PREVIEW_CHARS characters when it is text or untyped; for CPIM, those
 * of the encapsulated body, when the envelope decoded and encapsulates text (an envelope itself, decoded or
 * not, is no preview). A character cut at the end of the collected bytes is dropped.
 */
export function bodyPreview(m: PreviewSource): BodyPreview {
  const pv = m.preview;
  if (pv === undefined) return NO_PREVIEW;
  let type = mediaType(m.contentType);
  let data = pv;
  let cut = (m.size() ?? Number.POSITIVE_INFINITY) > pv.length;
  if (type === 'message/cpim' && m.cpim !== undefined) {
    type = mediaType(m.cpim.contentType);
    data = m.cpim.body;
    cut = cut || m.cpim.bodyTruncated;
  }
  if (type === 'message/cpim' || (type !== undefined && !TEXTUAL.test(type))) return NO_PREVIEW;
  let text = data.toString('utf8');
  if (cut && text.endsWith('\ufffd')) text = text.slice(0, -1);
  if (text.length > PREVIEW_CHARS) {
    text = text.slice(0, PREVIEW_CHARS);
    cut = true;
  }
  return { text, truncated: cut };
}

/**
 * How much of a (non-CPIM) message's preview bytes bodyPreview reads, so that an output which shows only the
 * text preview keeps no more: null when the body is not text (bodyPreview says null then, as for no preview),
 * else the bytes of the first PREVIEW_CHARS + 1 characters when that many are there and all decode cleanly
 * (the preview is then cut at PREVIEW_CHARS and marked truncated, as with every byte), else all of them.
 */
export function textPreviewLength(contentType: string | undefined, preview: Buffer): number | null {
  const type = mediaType(contentType);
  if (type === 'message/cpim' || (type !== undefined && !TEXTUAL.test(type))) return null;
  const text = preview.toString('utf8');
  let n = PREVIEW_CHARS + 1;
  if (text.length <= n) return preview.length;
  // Whole characters: a surrogate pair is not split.
  const c = text.charCodeAt(n - 1);
  if (c >= 0xd800 && c <= 0xdbff) n++;
  const head = text.slice(0, n);
  if (head.includes('\ufffd')) return preview.length;
  return Math.min(preview.length, Buffer.byteLength(head, 'utf8'));
}

