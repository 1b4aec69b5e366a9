/**
 * JSON and NDJSON keep only the preview bytes the text preview reads (textPreviewLength): the preview they
 * show must be exactly the one made from every kept byte, for any body, type and size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyPreview, PREVIEW_CHARS, textPreviewLength } from '../../src/model/body-preview.js';
import { MessageRecord } from '../../src/model/messages.js';
import { decodeContent } from '../../src/model/content.js';
import { ByteArena } from '../../src/model/byte-arena.js';

const TYPES = ['text/plain', 'text/plain; charset=utf-8', undefined, 'image/png', 'application/json', 'application/octet-stream', 'message/imdn+xml'];

function previewOf(contentType: string | undefined, preview: Buffer | undefined, size: number | null) {
  return bodyPreview({ contentType, preview, cpim: undefined, size: () => size });
}

/** Bodies: text (emoji, combining marks), text with invalid UTF-8, and raw bytes up to `maxBytes`. */
function bodies(maxBytes: number): fc.Arbitrary<Buffer> {
  return fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 600 }).map((s) => Buffer.from(s, 'utf8')),
    fc.string({ unit: 'binary', maxLength: 400 }).map((s) => Buffer.from(s, 'utf8')),
    fc.uint8Array({ maxLength: maxBytes }).map((a) => Buffer.from(a)),
  );
}

describe('textPreviewLength', () => {
  it('keeps what bodyPreview reads, nothing more (text, emoji, invalid UTF-8, binary types)', () => {
    const body = bodies(1024);
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

describe('a CPIM message kept for the text preview only', () => {
  const INNER = ['text/plain', 'text/plain; charset=utf-8', undefined, 'image/png', 'application/json', 'message/cpim'];
  const REF = { frame: 1, tsSec: 1, tsNsec: 0 };

  /**
   * A message/cpim message whose body starts with `wire`, decoded and trimmed as the model does: complete (one
   * chunk of it all) when `size` is its length, else of that declared size (null: unknown).
   */
  function settled(wire: Buffer, size: number | null, textOnly: boolean): MessageRecord {
    const m = new MessageRecord('m1', undefined, REF, undefined, undefined, false, false);
    m.contentType = 'message/cpim';
    if (size === wire.length) {
      const leg = m.legFor(0, 0, REF, 1);
      leg.beginChunk(1);
      leg.endChunk(1, wire.length, false, '$', false);
    } else m.declaredTotal = size;
    m.feedPreview(1, wire);
    decodeContent(m, m.preview ?? Buffer.alloc(0));
    m.trimPreview(new ByteArena(), textOnly);
    return m;
  }

  it('shows the same preview as one that keeps every collected byte (any inner type, body, padding and size)', () => {
    const body = bodies(1500);
    fc.assert(
      fc.property(fc.constantFrom(...INNER), body, fc.nat(900), fc.option(fc.nat(5000), { nil: null, freq: 4 }), (inner, raw, pad, extra) => {
        const head = `From: <sip:a@example.com>\r\nTo: <sip:b@example.com>\r\nSubject: ${'x'.repeat(pad)}\r\n\r\n` +
          (inner === undefined ? '' : `Content-Type: ${inner}\r\n`) + '\r\n';
        const wire = Buffer.concat([Buffer.from(head, 'utf8'), raw]);
        const size = extra === null ? null : wire.length + extra;
        const text = settled(wire, size, true);
        const all = settled(wire, size, false);
        expect(text.cpim).toBeDefined();
        expect(bodyPreview(text)).toEqual(bodyPreview(all));
        // What the text preview does not read is not kept.
        expect(text.cpim?.body.length).toBeLessThanOrEqual(all.cpim?.body.length ?? 0);
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps 201 characters of a long encapsulated text and none of an image; a whole short one is not cut', () => {
    const wire = (inner: string, body: string): Buffer => Buffer.from(`From: <sip:a@example.com>\r\n\r\nContent-Type: ${inner}\r\n\r\n${body}`, 'utf8');
    const hello = wire('text/plain', 'hello');
    expect(bodyPreview(settled(hello, hello.length, true))).toEqual({ text: 'hello', truncated: false });
    const long = settled(wire('text/plain', 'é'.repeat(400)), null, true);
    expect(long.cpim?.body.length).toBe(2 * (PREVIEW_CHARS + 1));
    expect(bodyPreview(long)).toEqual({ text: 'é'.repeat(PREVIEW_CHARS), truncated: true });
    const image = settled(wire('image/png', 'PNG'.repeat(100)), null, true);
    expect(image.cpim?.body.length).toBe(0);
    expect(bodyPreview(image)).toEqual({ text: null, truncated: false });
  });
});
