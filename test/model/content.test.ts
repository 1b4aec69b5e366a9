import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCpim } from '../../src/model/cpim.js';
import { decodeImdn } from '../../src/model/imdn.js';
import { decodeComposing } from '../../src/model/composing.js';
import { Correlator } from '../../src/model/correlator.js';
import { ALICE, BOB, feedRequest, finishStore, sendHeaders, tcpConn } from '../helpers/frames.js';

const CPIM = [
  'From: MR SANDERS <im:piglet@100akerwood.com>',
  'To: Depressed Donkey <im:eeyore@100akerwood.com>',
  'cc: <im:owl@100akerwood.com>',
  'DateTime: 2000-12-13T13:40:00-08:00',
  'Subject: the weather will be fine today',
  'NS: MyImdn <urn:ietf:params:imdn>',
  'MyImdn.Message-ID: 34jk324j',
  'MyImdn.Disposition-Notification: positive-delivery, display',
  '',
  'Content-Type: text/plain',
  'Content-ID: <1234567890@foo.com>',
  '',
  'Here is the text of my message.',
].join('\r\n');

const IMDN = `<?xml version="1.0" encoding="UTF-8"?>
<imdn xmlns="urn:ietf:params:xml:ns:imdn">
  <message-id>34jk324j</message-id>
  <datetime>2008-04-04T12:16:49-05:00</datetime>
  <recipient-uri>im:bob@example.com</recipient-uri>
  <delivery-notification><status><delivered/></status></delivery-notification>
</imdn>`;

const COMPOSING = `<?xml version="1.0" encoding="UTF-8"?>
<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing">
  <state>active</state>
  <contenttype>text/plain</contenttype>
  <refresh>90</refresh>
</isComposing>`;

describe('CPIM (RFC 3862)', () => {
  it('decodes the envelope, the imdn namespace prefix, the inner headers and body', () => {
    const env = decodeCpim(Buffer.from(CPIM), true)!;
    expect(env.from).toBe('MR SANDERS <im:piglet@100akerwood.com>');
    expect(env.to).toEqual(['Depressed Donkey <im:eeyore@100akerwood.com>']);
    expect(env.cc).toEqual(['<im:owl@100akerwood.com>']);
    expect(env.dateTime).toBe('2000-12-13T13:40:00-08:00');
    expect(env.subject).toEqual(['the weather will be fine today']);
    expect(env.ns).toEqual([{ prefix: 'MyImdn', uri: 'urn:ietf:params:imdn' }]);
    expect(env.imdnMessageId).toBe('34jk324j');
    expect(env.imdnDisposition).toBe('positive-delivery, display');
    expect(env.contentType).toBe('text/plain');
    expect(env.contentHeaders).toHaveLength(2);
    expect(env.body.toString()).toBe('Here is the text of my message.');
    expect(env.bodyTruncated).toBe(false);
  });

  it('without lists: the same single values, and every list empty', () => {
    const all = decodeCpim(Buffer.from(CPIM), true)!;
    const single = decodeCpim(Buffer.from(CPIM), true, false)!;
    expect(single).toEqual({ ...all, headers: [], to: [], cc: [], subject: [], ns: [], contentHeaders: [] });
    expect(single.imdnMessageId).toBe('34jk324j');
    expect(single.contentType).toBe('text/plain');
  });

  it('without lists, any input (whole or cut) gives the single values it gives with them', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CPIM.split('\r\n'), 'x: y', ' folded', 'NS: i <urn:ietf:params:imdn>', 'i.Message-ID: z', ''), { maxLength: 20 }), fc.constantFrom('\r\n', '\n'), fc.boolean(), (lines, eol, complete) => {
        const data = Buffer.from(lines.join(eol));
        const all = decodeCpim(data, complete);
        const single = decodeCpim(data, complete, false);
        if (all === undefined) expect(single).toBeUndefined();
        else expect(single).toEqual({ ...all, headers: [], to: [], cc: [], subject: [], ns: [], contentHeaders: [] });
      }),
    );
  });

  it('tolerates LF-only lines and a cut preview', () => {
    const env = decodeCpim(Buffer.from('From: <a@b>\nTo: <c@d>\n\nContent-Type: text/plain\n'), false)!;
    expect(env.from).toBe('<a@b>');
    expect(env.contentType).toBe('text/plain');
    expect(env.bodyTruncated).toBe(true);
    expect(decodeCpim(Buffer.from('no headers here'), true)).toBeUndefined();
  });

  it('header names like __proto__ stay plain data', () => {
    const env = decodeCpim(Buffer.from('__proto__: x\r\nconstructor: y\r\nFrom: <a@b>\r\n\r\n'), true)!;
    expect(env.headers.map((h) => h.name)).toEqual(['__proto__', 'constructor', 'From']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('CPIM envelopes share what repeats', () => {
  const env = (dateTime: string, to: string, body: string): Buffer =>
    Buffer.from(`From: <sip:alice@example.com>\r\nTo: ${to}\r\nDateTime: ${dateTime}\r\nNS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: id-${dateTime}\r\n\r\nContent-Type: text/plain;charset=UTF-8\r\n\r\n${body}`);

  it('keeps one object per distinct header and list, none for DateTime or a Message-ID, values unchanged', () => {
    const a = decodeCpim(env('2023-11-14T22:13:20Z', '<sip:bob@example.com>', 'one'), true)!;
    const b = decodeCpim(env('2023-11-14T22:13:21Z', '<sip:bob@example.com>', 'two'), true)!;
    const c = decodeCpim(env('2023-11-14T22:13:22Z', '<sip:carol@example.com>', 'three'), true)!;
    expect(b.headers[0]).toBe(a.headers[0]); // From
    expect(b.headers[1]).toBe(a.headers[1]); // To
    expect(b.headers[2]).not.toBe(a.headers[2]); // DateTime
    expect(b.headers[4]).not.toBe(a.headers[4]); // imdn.Message-ID
    expect(b.to).toBe(a.to);
    expect(c.to).not.toBe(a.to);
    expect(b.contentHeaders).toBe(a.contentHeaders);
    expect(b.headers).not.toBe(a.headers);
    expect(b.dateTime).toBe('2023-11-14T22:13:21Z');
    expect(b.imdnMessageId).toBe('id-2023-11-14T22:13:21Z');
    expect(c.to).toEqual(['<sip:carol@example.com>']);
    expect(b.contentType).toBe('text/plain;charset=UTF-8');
    expect(b.body.toString()).toBe('two');
    expect(a.headers.map((h) => h.name)).toEqual(['From', 'To', 'DateTime', 'NS', 'imdn.Message-ID']);
  });
});

describe('IMDN (RFC 5438) and isComposing (RFC 3994)', () => {
  it('decodes a delivery notification', () => {
    expect(decodeImdn(IMDN)).toEqual({
      messageId: '34jk324j',
      kind: 'delivery',
      status: 'delivered',
      dateTime: '2008-04-04T12:16:49-05:00',
      recipient: 'im:bob@example.com',
    });
    expect(decodeImdn('<imdn><display-notification><status><displayed/></status></display-notification></imdn>')).toBeUndefined();
  });

  it('decodes an isComposing indication', () => {
    expect(decodeComposing(COMPOSING)).toEqual({ state: 'active', contentType: 'text/plain', refresh: 90, lastActive: undefined });
    expect(decodeComposing('<other/>')).toBeUndefined();
  });

  it('matches a notification to the message it acknowledges, in either order', () => {
    for (const notificationFirst of [false, true]) {
      const store = new Correlator();
      const c = tcpConn(0);
      const original = () =>
        feedRequest(store, c, 0, {
          tid: 'orig0001',
          method: 'SEND',
          headers: sendHeaders({ id: 'orig', range: `1-${CPIM.length}/${CPIM.length}`, type: 'message/cpim' }),
          body: CPIM,
          frame: 1,
        });
      const cpimImdn = `From: <im:bob@example.com>\r\nTo: <im:alice@example.com>\r\nNS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: n1\r\n\r\nContent-Type: message/imdn+xml\r\n\r\n${IMDN}`;
      const notification = () =>
        feedRequest(store, c, 1, {
          tid: 'note0001',
          method: 'SEND',
          headers: sendHeaders({ id: 'note', range: `1-${Buffer.byteLength(cpimImdn)}/${Buffer.byteLength(cpimImdn)}`, type: 'message/cpim', to: [ALICE], from: [BOB] }),
          body: cpimImdn,
          frame: 2,
        });
      if (notificationFirst) {
        notification();
        original();
      } else {
        original();
        notification();
      }
      finishStore(store);
      const byId = new Map(store.view().messages().map((m) => [m.messageId, m]));
      const o = byId.get('orig')!;
      const n = byId.get('note')!;
      expect(o.cpim?.imdnMessageId).toBe('34jk324j');
      expect(n.notification?.status).toBe('delivered');
      expect(n.acknowledges).toBe(o);
      expect(o.notifications).toEqual([n]);
    }
  });

  it('an isComposing SEND is a message with a typing state', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, {
      tid: 'typing01',
      method: 'SEND',
      headers: sendHeaders({ id: 'typ', range: `1-${COMPOSING.length}/${COMPOSING.length}`, type: 'application/im-iscomposing+xml' }),
      body: COMPOSING,
      frame: 1,
    });
    finishStore(store);
    expect(store.view().messages()[0]!.composing?.state).toBe('active');
    expect(store.view().messages()[0]!.composing?.refresh).toBe(90);
  });
});
