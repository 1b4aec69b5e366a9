import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/cli/pipeline.js';
import { buildJsonDocument } from '../../src/export/json.js';
import { createNdjsonWriter } from '../../src/export/ndjson.js';
import { renderSummary } from '../../src/export/summary.js';
import { decodeCpim } from '../../src/model/cpim.js';
import { Correlator } from '../../src/model/correlator.js';
import { getHeader, parseTypedHeaders } from '../../src/msrp/headers.js';
import { parseMsrpUri } from '../../src/msrp/uri.js';
import { headerValue } from '../../src/sip/headers.js';
import { parseSipDatagram } from '../../src/sip/parser.js';
import { attributeValue, parseSdp } from '../../src/sip/sdp.js';
import { buildMsrpCapture, msrpRequest, msrpResponse, sipMessage } from './build-capture.js';

// `__proto__`, `constructor`, `prototype` (and other Object.prototype names) as header names, URI parameters,
// SDP attributes, CPIM headers, Message-IDs, session ids, transaction ids and SIP methods: nothing changes
// Object.prototype, nothing is looked up on it, and the outputs hold them as plain data.
const NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

function snapshot(): string {
  return Object.getOwnPropertyNames(Object.prototype).sort().join(',');
}

const TO = 'msrp://198.51.100.20:2855/__proto__;tcp;__proto__=1;constructor=x';
const FROM = 'msrp://192.0.2.10:2855/constructor;tcp;prototype';

function protoCapture(): Buffer {
  const sdp = ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', 'm=message 2855 TCP/MSRP *',
    `a=path:${FROM}`, ...NAMES.map((n) => `a=${n}:${n}`), 'a=constructor', ''].join('\r\n');
  const headers: Array<[string, string]> = NAMES.map((n) => [n, `${n}-value`]);
  const cpim = ['From: <im:a@example.com>', '__proto__: {"polluted": true}', 'constructor: x', 'NS: __proto__ <urn:ietf:params:imdn>',
    '__proto__.Message-ID: cpim-proto-1', 'constructor.prototype: y', '', 'Content-Type: text/plain', '__proto__: z', '', 'hi'].join('\r\n');
  return buildMsrpCapture([
    { from: 'u', bytes: sipMessage('constructor sip:bob@example.com SIP/2.0', [['Via', 'SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK__proto__'], ['From', '<sip:a@example.com>;tag=__proto__;constructor=1'], ['To', '<sip:b@example.com>;prototype'], ['Call-ID', '__proto__'], ['CSeq', '1 constructor'], ...headers]) },
    { from: 'u', bytes: sipMessage('INVITE sip:bob@example.com SIP/2.0', [['Via', 'SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK2'], ['From', '<sip:a@example.com>;tag=x'], ['To', '<sip:b@example.com>'], ['Call-ID', 'constructor'], ['CSeq', '1 INVITE'], ['Content-Type', 'application/sdp']], sdp) },
    { from: 'u', bytes: sipMessage('SIP/2.0 200 toString', [['Via', 'SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK2'], ['From', '<sip:a@example.com>;tag=x'], ['To', '<sip:b@example.com>;tag=__proto__'], ['Call-ID', 'constructor'], ['CSeq', '1 INVITE']]) },
    { from: 'c', bytes: msrpRequest('constructor', 'SEND', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', '__proto__'], ['Byte-Range', '1-*/*'], ...headers, ['Content-Type', 'text/plain;__proto__=1;constructor=2']], 'x') },
    { from: 's', bytes: msrpResponse('constructor', '200 __proto__', [['To-Path', FROM], ['From-Path', TO], ['__proto__', 'r']]) },
    { from: 'c', bytes: msrpRequest('prototype', 'SEND', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', 'constructor'], ['Byte-Range', '1-*/*'], ['Content-Type', 'message/cpim']], cpim) },
    { from: 'c', bytes: msrpRequest('hasOwnProperty', 'REPORT', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', 'toString'], ['Byte-Range', '1-1/1'], ['Status', '000 200 OK']]) },
  ]);
}

describe('__proto__, constructor, prototype in capture data', () => {
  it('the whole pipeline, JSON, NDJSON and summary leave Object.prototype alone and keep the names as data', async () => {
    const before = snapshot();
    const store = new Correlator({ keepBodies: true });
    const lines: string[] = [];
    createNdjsonWriter(store, (l) => lines.push(l));
    await runPipeline({ sources: [{ name: 'proto', input: Readable.from([protoCapture()]) }], model: store });
    const doc = buildJsonDocument(store.view());
    const text = JSON.stringify(doc);
    const summary = renderSummary(doc, { color: false, columns: 120 });
    expect(snapshot()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);

    // Parsed back, the document holds the names as ordinary own data.
    const back = JSON.parse(text) as typeof doc;
    expect(back.messages.map((m) => m.messageId).sort()).toEqual(['__proto__', 'constructor']);
    const tx = back.transactions.find((t) => t.transactionId === 'constructor')!;
    expect(tx.request!.headers.map((h) => h.name)).toEqual(['To-Path', 'From-Path', 'Message-ID', 'Byte-Range', ...NAMES, 'Content-Type']);
    expect(tx.response!.headers.map((h) => h.name)).toContain('__proto__');
    expect(back.transactions.map((t) => t.transactionId).sort()).toEqual(['constructor', 'hasOwnProperty', 'prototype']);
    // SIP methods, Call-IDs: counted under their own names (own keys, not inherited ones).
    const dialog = back.sip.find((d) => d.callId === '__proto__')!;
    expect(dialog).toBeDefined();
    expect(Object.keys(dialog.requests)).toEqual(['constructor']);
    expect(Object.hasOwn(dialog.requests, 'constructor')).toBe(true);
    expect(back.sip.map((d) => d.callId).sort()).toEqual(['__proto__', 'constructor']);
    // The session keyed by a session-id named __proto__.
    expect(text).toContain('"sessionId":"__proto__"');
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) JSON.parse(l);
    expect(summary).toContain('__proto__');
    expect(store.view().diagnostics().every((d) => typeof d.detail === 'string')).toBe(true);
  });

  it('typed MSRP headers and URIs: the names are list entries, lookups never reach Object.prototype', () => {
    const before = snapshot();
    const headers = NAMES.map((n) => ({ name: n, value: `${n}-v` }));
    const { values, diagnostics } = parseTypedHeaders([{ name: 'To-Path', value: TO }, ...headers]);
    expect(values.other.map((h) => h.name)).toEqual(NAMES);
    expect(diagnostics).toEqual([]);
    expect(getHeader(headers, 'constructor')).toBe('constructor-v');
    expect(getHeader([], 'constructor')).toBeUndefined();
    expect(getHeader([], '__proto__')).toBeUndefined();
    const u = parseMsrpUri(TO)!;
    expect(u.sessionId).toBe('__proto__');
    expect(u.params).toEqual([['__proto__', '1'], ['constructor', 'x']]);
    expect(snapshot()).toBe(before);
  });

  it('SIP headers, SDP attributes and CPIM headers likewise', () => {
    const before = snapshot();
    const m = parseSipDatagram(Buffer.from(sipMessage('constructor sip:x@y SIP/2.0', [['Call-ID', 'c'], ['CSeq', '1 constructor'], ['__proto__', 'p'], ['constructor', 'k']]), 'latin1'))!;
    expect(m.method).toBe('constructor');
    expect(headerValue(m.headers, '__proto__')).toBe('p');
    expect(headerValue(m.headers, 'constructor')).toBe('k');
    expect(headerValue(m.headers, 'prototype')).toBeUndefined();
    expect(headerValue(m.headers, 'toString')).toBeUndefined();
    const sdp = parseSdp(['v=0', 'a=__proto__:1', 'a=constructor', 'm=message 9 TCP/MSRP *', 'a=prototype:2', ''].join('\r\n'));
    expect(sdp.attributes).toEqual([['__proto__', '1'], ['constructor', undefined]]);
    expect(attributeValue(sdp.media[0]!.attributes, 'prototype')).toBe('2');
    expect(attributeValue(sdp.attributes, 'toString')).toBeUndefined();
    const env = decodeCpim(Buffer.from('__proto__: a\r\nconstructor: b\r\nNS: __proto__ <urn:ietf:params:imdn>\r\n__proto__.Message-ID: id1\r\n\r\nContent-Type: text/plain\r\n\r\nx'), true)!;
    expect(env.headers.map((h) => h.name)).toEqual(['__proto__', 'constructor', 'NS', '__proto__.Message-ID']);
    expect(env.imdnMessageId).toBe('id1');
    expect(env.ns).toEqual([{ prefix: '__proto__', uri: 'urn:ietf:params:imdn' }]);
    expect(snapshot()).toBe(before);
  });
});
