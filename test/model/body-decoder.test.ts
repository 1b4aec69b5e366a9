import { describe, expect, it } from 'vitest';
import { buildJsonDocument } from '../../src/export/json.js';
import type { JsonMessage } from '../../src/export/json-types.js';
import { decodeBody } from '../../src/model/body-decoder.js';
import { bodyPreview, isTextualType, PREVIEW_CHARS, type PreviewSource } from '../../src/model/body-preview.js';
import { decodeComposing } from '../../src/model/composing.js';
import { decodeCpim } from '../../src/model/cpim.js';
import { decodeImdn } from '../../src/model/imdn.js';
import type { MessageRecord } from '../../src/model/messages.js';
import { Correlator } from '../../src/model/correlator.js';
import { parseXml, XML_MAX_BYTES } from '../../src/model/xml-tree.js';
import { bodyLines, isTextual } from '../../src/format/body-text.js';
import { feedRequest, finishStore, sendHeaders, tcpConn } from '../helpers/frames.js';

const NS = 'urn:ietf:params:xml:ns:imdn';
const CNS = 'urn:ietf:params:xml:ns:im-iscomposing';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** An IMDN document around `inner` (the children of <imdn>). */
function imdn(inner: string, open = `<imdn xmlns="${NS}">`, close = '</imdn>'): string {
  return `${XML_DECL}${open}${inner}${close}`;
}

const DELIVERED = '<delivery-notification><status><delivered/></status></delivery-notification>';

/** One SEND carrying `body` as `type`, whole and complete; the model's message and its JSON record. */
function sent(type: string, body: string | Buffer): { m: MessageRecord; json: JsonMessage } {
  const store = new Correlator();
  const len = Buffer.byteLength(body);
  feedRequest(store, tcpConn(0), 0, {
    tid: 'body0001',
    method: 'SEND',
    headers: sendHeaders({ id: 'm1', range: `1-${len}/${len}`, type }),
    body,
    frame: 1,
  });
  finishStore(store);
  const m = store.view().messages()[0];
  const json = buildJsonDocument(store.view()).messages[0];
  if (m === undefined || json === undefined) throw new Error('no message');
  return { m, json };
}

describe('XML tree (saxes)', () => {
  it('resolves namespaces and decodes text, CDATA and character references; comments are not text', () => {
    const root = parseXml(Buffer.from(`<a xmlns="urn:x" xmlns:p="urn:y"><p:b>&#x41;&#233;&amp;<!-- c --><![CDATA[<i>]]></p:b><c/></a>`), true)!;
    expect(root).toMatchObject({ uri: 'urn:x', local: 'a', closed: true });
    expect(root.children.map((c) => [c.uri, c.local, c.text, c.closed])).toEqual([
      ['urn:y', 'b', 'Aé&<i>', true],
      ['urn:x', 'c', '', true],
    ]);
  });

  it('rejects what is not well-formed: unclosed, mismatched, unbound prefix, unknown entity, two roots, a DTD', () => {
    for (const bad of [
      '<a><b></a>',
      '<a>',
      '<a><b></c></a>',
      '<p:a/>',
      '<a>&nbsp;</a>',
      '<a>&__proto__;</a>',
      '<a/><b/>',
      '<a/>text',
      '<a x=1/>',
      '<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',
      '<!DOCTYPE a><a/>',
      ' <?xml version="1.0"?><a/>',
      '',
    ]) {
      expect(parseXml(Buffer.from(bad), true), bad).toBeUndefined();
    }
  });

  it('reads a cut document as far as it goes: open elements are marked, errors before the cut still count', () => {
    const root = parseXml(Buffer.from('<a><b>done</b><c>half'), false)!;
    expect(root.closed).toBe(false);
    expect(root.children.map((c) => [c.local, c.closed])).toEqual([
      ['b', true],
      ['c', false],
    ]);
    expect(parseXml(Buffer.from('<a><b></c><d>'), false)).toBeUndefined();
  });

  it(`reads no further than ${XML_MAX_BYTES} bytes`, () => {
    const doc = `<a>${' '.repeat(XML_MAX_BYTES - 7)}</a>`;
    expect(Buffer.byteLength(doc)).toBe(XML_MAX_BYTES);
    expect(parseXml(Buffer.from(doc), true)?.closed).toBe(true);
    // One byte more: the end tag is cut by the bound, and what lies beyond (here an error) is not read.
    expect(parseXml(Buffer.from(`<a>${' '.repeat(XML_MAX_BYTES - 6)}</a>`), true)?.closed).toBe(false);
    expect(parseXml(Buffer.from(`${doc}<<`), true)?.closed).toBe(true);
    expect(parseXml(Buffer.from(`${doc.slice(0, -2)}<<`), true)).toBeUndefined();
  });
});

describe('IMDN cases the regex matching got wrong', () => {
  const full = {
    messageId: '34jk324j',
    kind: 'delivery',
    status: 'delivered',
    dateTime: '2008-04-04T12:16:49-05:00',
    recipient: 'im:bob@example.com',
  };
  const children = `<message-id>34jk324j</message-id><datetime>2008-04-04T12:16:49-05:00</datetime><recipient-uri>im:bob@example.com</recipient-uri>${DELIVERED}`;

  it('decodes the IMDN namespace under any prefix', () => {
    expect(decodeImdn(imdn(children))).toEqual(full);
    const prefixed = children.replace(/<(\/?)/g, '<$1i:');
    expect(decodeImdn(imdn(prefixed, `<i:imdn xmlns:i="${NS}">`, '</i:imdn>'))).toEqual(full);
  });

  it('ignores elements outside the IMDN namespace, and documents without it', () => {
    expect(decodeImdn(imdn(children, '<imdn>'))).toBeUndefined();
    expect(decodeImdn(imdn(children, '<imdn xmlns="urn:example:other">'))).toBeUndefined();
    // A <status> (or <message-id>) of another vocabulary is not the IMDN one.
    const foreign = `<message-id>34jk324j</message-id><delivery-notification><x:status xmlns:x="urn:example:other"><delivered/></x:status></delivery-notification>`;
    expect(decodeImdn(imdn(foreign))).toMatchObject({ messageId: '34jk324j', kind: 'delivery', status: undefined });
    const decoy = `<x:message-id xmlns:x="urn:example:other">decoy</x:message-id>${children}`;
    expect(decodeImdn(imdn(decoy))?.messageId).toBe('34jk324j');
    // The status value itself must be an IMDN element.
    const otherValue = `<message-id>1</message-id><delivery-notification><status><x:delivered xmlns:x="urn:example:other"/><failed/></status></delivery-notification>`;
    expect(decodeImdn(imdn(otherValue))?.status).toBe('failed');
  });

  it('does not see elements inside comments or CDATA sections', () => {
    const commented = `<!-- <message-id>old</message-id> --><message-id>new</message-id><!-- <delivery-notification><status><delivered/></status></delivery-notification> --><display-notification><status><displayed/></status></display-notification>`;
    expect(decodeImdn(imdn(commented))).toMatchObject({ messageId: 'new', kind: 'display', status: 'displayed' });
    const inComment = `<message-id>1</message-id><delivery-notification><status><!-- <delivered/> --></status></delivery-notification>`;
    expect(decodeImdn(imdn(inComment))).toMatchObject({ kind: 'delivery', status: undefined });
    const cdata = `<message-id><![CDATA[a<b>&c]]></message-id><subject><![CDATA[<delivery-notification>]]></subject><processing-notification><status><processed/></status></processing-notification>`;
    expect(decodeImdn(imdn(cdata))).toMatchObject({ messageId: 'a<b>&c', kind: 'processing', status: 'processed' });
  });

  it('decodes every character reference, not only the five named entities', () => {
    const refs = `<message-id>&#x41;&#233;&#x1F680;&lt;&amp;lt;</message-id><recipient-uri>sip:ren&#xE9;@example.com</recipient-uri>`;
    expect(decodeImdn(imdn(refs))).toMatchObject({ messageId: 'Aé🚀<&lt;', recipient: 'sip:rené@example.com' });
  });

  it('decodes nothing from malformed XML', () => {
    expect(decodeImdn(imdn(children.replace('</datetime>', '')))).toBeUndefined();
    expect(decodeImdn(imdn(children, `<imdn xmlns="${NS}">`, ''))).toBeUndefined();
    expect(decodeImdn(imdn(`<message-id>a&nbsp;b</message-id>${DELIVERED}`))).toBeUndefined();
    expect(decodeImdn(imdn(children, `<imdn xmlns="${NS}" xmlns="${NS}">`))).toBeUndefined();
  });

  it('a self-closing notification element still names the kind', () => {
    expect(decodeImdn(imdn('<message-id>1</message-id><delivery-notification/>'))).toMatchObject({ kind: 'delivery', status: undefined });
  });

  it('element names are case-sensitive, as XML says', () => {
    expect(decodeImdn(imdn('<Message-ID>1</Message-ID>'))).toBeUndefined();
  });

  it('a cut document gives what its closed elements say', () => {
    const cut = imdn(children).slice(0, imdn(children).indexOf('<recipient-uri>') + 20);
    expect(decodeImdn(cut, false)).toEqual({ messageId: '34jk324j', kind: undefined, status: undefined, dateTime: '2008-04-04T12:16:49-05:00', recipient: undefined });
    expect(decodeImdn(cut, true)).toBeUndefined();
  });
});

describe('isComposing cases the regex matching got wrong', () => {
  const body = '<state>active</state><lastactive>2003-01-27T10:43:00Z</lastactive><contenttype>text/plain</contenttype><refresh>60</refresh>';
  const want = { state: 'active', contentType: 'text/plain', refresh: 60, lastActive: '2003-01-27T10:43:00Z' };

  it('decodes the isComposing namespace under any prefix', () => {
    expect(decodeComposing(`<isComposing xmlns="${CNS}">${body}</isComposing>`)).toEqual(want);
    const prefixed = body.replace(/<(\/?)/g, '<$1c:');
    expect(decodeComposing(`<c:isComposing xmlns:c="${CNS}">${prefixed}</c:isComposing>`)).toEqual(want);
  });

  it('ignores documents and elements outside its namespace', () => {
    expect(decodeComposing(`<isComposing>${body}</isComposing>`)).toBeUndefined();
    expect(decodeComposing(`<x:isComposing xmlns:x="urn:example:other">${body}</x:isComposing>`)).toBeUndefined();
    const foreign = `<x:state xmlns:x="urn:example:other">active</x:state><state>idle</state>`;
    expect(decodeComposing(`<isComposing xmlns="${CNS}">${foreign}</isComposing>`)?.state).toBe('idle');
  });

  it('comments, CDATA, character references and malformed XML', () => {
    const commented = `<!-- <state>active</state> --><state>idle</state><refresh><![CDATA[90]]></refresh><contenttype>text&#x2F;html</contenttype>`;
    expect(decodeComposing(`<isComposing xmlns="${CNS}">${commented}</isComposing>`)).toEqual({ state: 'idle', refresh: 90, contentType: 'text/html', lastActive: undefined });
    expect(decodeComposing(`<isComposing xmlns="${CNS}"><state>active</isComposing>`)).toBeUndefined();
  });
});

describe('one body decoder', () => {
  const note = imdn(`<message-id>orig-1</message-id>${DELIVERED}`);
  const cpim = (type: string, body: string): string =>
    `From: <im:bob@example.com>\r\nNS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: n1\r\n\r\nContent-Type: ${type}\r\n\r\n${body}`;

  it('decodes the CPIM envelope once, and the IMDN or isComposing inside it or bare', () => {
    const wrapped = decodeBody('message/cpim', Buffer.from(cpim('message/imdn+xml', note)), true);
    expect(wrapped.cpim?.imdnMessageId).toBe('n1');
    expect(wrapped.cpim?.contentType).toBe('message/imdn+xml');
    expect(wrapped.notification).toMatchObject({ messageId: 'orig-1', kind: 'delivery', status: 'delivered' });
    expect(wrapped.composing).toBeUndefined();
    expect(decodeBody('Message/IMDN+xml; charset=utf-8', Buffer.from(note), true).notification?.messageId).toBe('orig-1');
    const typing = decodeBody('message/cpim', Buffer.from(cpim('application/im-iscomposing+xml', `<isComposing xmlns="${CNS}"><state>idle</state></isComposing>`)), true);
    expect(typing.composing?.state).toBe('idle');
    expect(typing.notification).toBeUndefined();
    // The type decides: IMDN XML sent as text/plain is text.
    expect(decodeBody('text/plain', Buffer.from(note), true)).toEqual({ cpim: undefined, notification: undefined, composing: undefined });
    // No envelope header: nothing is decoded, not even the body after it.
    expect(decodeBody('message/cpim', Buffer.from(`\r\n\r\nContent-Type: message/imdn+xml\r\n\r\n${note}`), true).notification).toBeUndefined();
  });

  it('the inner document is whole only when the envelope is', () => {
    const text = cpim('message/imdn+xml', note.slice(0, -3));
    expect(decodeBody('message/cpim', Buffer.from(text), true).notification).toBeUndefined();
    expect(decodeBody('message/cpim', Buffer.from(text), false).notification?.messageId).toBe('orig-1');
    expect(decodeCpim(Buffer.from(text), false)?.bodyTruncated).toBe(true);
  });

  it('through the store: a notification in a SEND, and one the strict parser refuses', () => {
    const ok = sent('message/cpim', cpim('message/imdn+xml', note));
    expect(ok.m.notification).toMatchObject({ messageId: 'orig-1', status: 'delivered' });
    expect(ok.json.imdn).toMatchObject({ messageId: 'orig-1', kind: 'delivery', status: 'delivered' });
    const commented = sent('message/imdn+xml', imdn(`<!-- <message-id>orig-1</message-id> -->${DELIVERED}`));
    expect(commented.m.notification).toBeUndefined();
    expect(commented.json.imdn).toBeNull();
    const noNs = sent('message/imdn+xml', imdn(`<message-id>orig-1</message-id>${DELIVERED}`, '<imdn>'));
    expect(noNs.json.imdn).toBeNull();
    const entity = sent('application/im-iscomposing+xml', `<isComposing xmlns="${CNS}"><state>act&#105;ve</state></isComposing>`);
    expect(entity.json.composing?.state).toBe('active');
    const unclosed = sent('application/im-iscomposing+xml', `<isComposing xmlns="${CNS}"><state>active</state>`);
    expect(unclosed.json.composing).toBeNull();
  });
});

describe(`the ${XML_MAX_BYTES}-byte bound, through the store`, () => {
  const head = `${XML_DECL}<imdn xmlns="${NS}">`;
  const id = '<message-id>bound-1</message-id>';
  const rest = `<datetime>2008-04-04T12:16:49-05:00</datetime>${DELIVERED}</imdn>`;
  /** An IMDN document of exactly `n` bytes, padded by a comment before or after the message-id. */
  function padded(n: number, before: boolean): string {
    const pad = `<!--${'x'.repeat(n - Buffer.byteLength(head + id + rest) - 7)}-->`;
    const doc = before ? head + pad + id + rest : head + id + pad + rest;
    expect(Buffer.byteLength(doc)).toBe(n);
    return doc;
  }
  const all = { messageId: 'bound-1', kind: 'delivery', status: 'delivered', dateTime: '2008-04-04T12:16:49-05:00', recipient: undefined };

  it('a body of exactly the bound is parsed whole', () => {
    const doc = padded(XML_MAX_BYTES, false);
    expect(sent('message/imdn+xml', doc).m.notification).toEqual(all);
    // Whole means strict to the end: the same size with its last byte wrong decodes nothing.
    expect(sent('message/imdn+xml', `${doc.slice(0, -1)}x`).m.notification).toBeUndefined();
  });

  it('a longer body is read as far as the bound, as a cut one', () => {
    // The byte past the bound (an error if it were read) is not read.
    expect(sent('message/imdn+xml', `${padded(XML_MAX_BYTES, false)}x`).m.notification).toEqual(all);
    // The notification lies past the bound: only the message-id is known.
    expect(sent('message/imdn+xml', padded(XML_MAX_BYTES + 400, false)).m.notification).toEqual({
      messageId: 'bound-1',
      kind: undefined,
      status: undefined,
      dateTime: undefined,
      recipient: undefined,
    });
    // The message-id lies past the bound: no notification.
    expect(sent('message/imdn+xml', padded(XML_MAX_BYTES + 400, true)).m.notification).toBeUndefined();
  });
});

describe('the text preview and what reads as text', () => {
  it('decides text by media type, the same for the document and the screen', () => {
    for (const t of ['text/plain', ' Text/Plain ; charset=UTF-8', 'application/json', 'application/xml', 'application/vnd.x+xml', 'application/ld+json', 'message/cpim', 'message/imdn+xml', 'application/im-iscomposing+xml']) {
      expect(isTextualType(t), t).toBe(true);
    }
    for (const t of [null, undefined, '', ';text/plain', 'image/png', 'application/octet-stream', 'message/rfc822', 'application/a;b+xml']) {
      expect(isTextualType(t), String(t)).toBe(false);
    }
  });

  function source(contentType: string | undefined, body: string, size: number | null = Buffer.byteLength(body)): PreviewSource {
    const preview = Buffer.from(body);
    const cpim = mediaIsCpim(contentType) ? decodeCpim(preview, size === preview.length) : undefined;
    return { contentType, preview, cpim, size: () => size };
  }
  function mediaIsCpim(t: string | undefined): boolean {
    return t?.toLowerCase().startsWith('message/cpim') ?? false;
  }

  it('previews text, untyped bodies and the text inside CPIM; not envelopes or binary types', () => {
    expect(bodyPreview(source('text/plain', 'hi\r\n'))).toEqual({ text: 'hi\r\n', truncated: false });
    expect(bodyPreview(source(undefined, 'raw'))).toEqual({ text: 'raw', truncated: false });
    expect(bodyPreview(source('image/png', 'x'))).toEqual({ text: null, truncated: false });
    expect(bodyPreview(source('message/cpim', 'From: <a@b>\r\n\r\nContent-Type: text/plain\r\n\r\ninside'))).toEqual({ text: 'inside', truncated: false });
    // An envelope that did not decode, or a CPIM inside CPIM: no preview.
    expect(bodyPreview(source('message/cpim', 'no headers here'))).toEqual({ text: null, truncated: false });
    expect(bodyPreview(source('message/cpim', 'From: <a@b>\r\n\r\nContent-Type: message/cpim\r\n\r\nFrom: <c@d>\r\n\r\n'))).toEqual({ text: null, truncated: false });
    expect(bodyPreview(source('message/cpim', 'From: <a@b>\r\n\r\nContent-Type: image/png\r\n\r\nxx'))).toEqual({ text: null, truncated: false });
  });

  it(`bounds the text at ${PREVIEW_CHARS} characters and drops a character cut at the end`, () => {
    const long = 'é'.repeat(PREVIEW_CHARS + 1);
    expect(bodyPreview(source('text/plain', long))).toEqual({ text: 'é'.repeat(PREVIEW_CHARS), truncated: true });
    const cut = Buffer.from('abé').subarray(0, 3);
    expect(bodyPreview({ contentType: 'text/plain', preview: cut, cpim: undefined, size: () => 10 })).toEqual({ text: 'ab', truncated: true });
  });

  it('the document carries the preview escaped, the screen lays it out', () => {
    const { json } = sent('message/cpim', 'From: <a@b>\r\n\r\nContent-Type: text/plain\r\n\r\nline\x1b[2J\r\n');
    expect(json.preview).toBe('line\\x1b[2J\\r\\n');
    expect(json.previewTruncated).toBe(false);
  });
});

describe('the screen lays out the model\'s decision', () => {
  it('shows the kept bytes as text when the model says the type is text, else as hex', () => {
    expect(isTextual).toBe(isTextualType);
    const envelope = 'From: <a@b>\r\n\r\nContent-Type: text/plain\r\n\r\nhi';
    const cpim = sent('Message/CPIM; x=y', envelope);
    expect(bodyLines(cpim.json, cpim.m.preview)).toEqual({ lines: ['From: <a@b>\\r\\n', '\\r\\n', 'Content-Type: text/plain\\r\\n', '\\r\\n', 'hi'], hex: false });
    const png = sent('image/png', 'abc');
    expect(bodyLines(png.json, png.m.preview).hex).toBe(true);
  });
});
