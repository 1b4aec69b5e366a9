/**
 * JSON and NDJSON keep only the preview bytes the text preview reads (textPreviewLength): the preview they
 * show must be exactly the one made from every kept byte, for any body, type and size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyPreview, PREVIEW_CHARS, textPreviewLength } from '../../src/model/body-preview.js';

const TYPES = ['text/plain', 'text/plain; charset=utf-8', undefined, 'image/png', 'application/json', 'application/octet-stream', 'message/imdn+xml'];

function previewOf(contentType: string | undefined, preview: Buffer | undefined, size: number | null) {
  return bodyPreview({ contentType, preview, cpim: undefined, size: () => size });
}

describe('textPreviewLength', () => {
  it('keeps what bodyPreview reads, nothing more (text, emoji, invalid UTF-8, binary types)', () => {
    const body = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 600 }).map((s) => Buffer.from(s, 'utf8')),
      fc.string({ unit: 'binary', maxLength: 400 }).map((s) => Buffer.from(s, 'utf8')),
      fc.uint8Array({ maxLength: 1024 }).map((a) => Buffer.from(a)),
    );
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), body, fc.option(fc.nat(5000), { nil: null }), (type, raw, extra) => {
        const preview = raw.subarray(0, 1024);
        const size = extra === null ? null : preview.length + extra;
        const n = textPreviewLength(type, preview);
        if (n !== null) expect(n).toBeLessThanOrEqual(preview.length);
        const kept = n === null ? undefined : preview.subarray(0, n);
        expect(previewOf(type, kept, size)).toEqual(previewOf(type, preview, size));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the bytes of 201 characters of a long text, all of a short one, none of an image', () => {
    const long = Buffer.from('é'.repeat(500), 'utf8');
    expect(textPreviewLength('text/plain', long.subarray(0, 1024))).toBe(2 * (PREVIEW_CHARS + 1));
    const short = Buffer.from('hello', 'utf8');
    expect(textPreviewLength('text/plain', short)).toBe(5);
    expect(textPreviewLength('image/jpeg', long)).toBe(null);
    // A pair at the cut is kept whole.
    const emoji = Buffer.from('a'.repeat(200) + '🚀' + 'b'.repeat(50), 'utf8');
    expect(textPreviewLength(undefined, emoji)).toBe(204);
  });
});
