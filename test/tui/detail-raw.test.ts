import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { detailSections, sectionLines, type Section } from '../../src/format/detail.js';
import { diagnosticItemLine, diagnosticItems, locateFrame } from '../../src/format/diagnostics.js';
import { helpLines, KEY_SECTIONS } from '../../src/format/help.js';
import { lineText } from '../../src/format/line.js';
import { rawLines } from '../../src/format/raw.js';
import { built, CHAT, clone, corpusFile, HAVE_CORPUS, type Built } from './fixtures.js';

let chat: Built;
beforeAll(async () => {
  chat = await built(CHAT);
});

const text = (s: Section | undefined): string[] => (s === undefined ? [] : s.lines.map(lineText));
const section = (list: Section[], title: string): Section | undefined => list.find((s) => s.title === title);

describe('message detail', () => {
  it('shows the CPIM message: facts, delivery, typed headers, envelope, body, coverage, hops', () => {
    const d = detailSections(chat.doc, { kind: 'message', message: 2, transaction: 3 }, { width: 80 });
    expect(d.map((s) => s.title)).toEqual([
      'Message 2',
      'Delivery',
      'SEND c3p1m0a5',
      'CPIM envelope',
      'Body',
      'Byte-Range coverage',
      'Hops',
      'Chunks',
      'Diagnostics',
    ]);
    const msg = text(section(d, 'Message 2'));
    expect(msg).toContain('Message-ID        m-cpim-0003');
    expect(msg).toContain('Content-Type      message/cpim');
    expect(msg).toContain('size              262 B, 262 B seen in 1 chunk');
    expect(text(section(d, 'Delivery'))).toEqual([
      'delivery          ✓ delivered 200 (by response)',
      'known at          frame 19 at 09:46:47.958500, 9.10 ms after the first chunk',
      'no REPORT seen',
    ]);
    const tx = text(section(d, 'SEND c3p1m0a5'));
    expect(tx).toContain('Byte-Range: 1-262/262  (bytes 1–262 of 262)');
    expect(tx).toContain('request  MSRP c3p1m0a5 SEND  frames 16–17 c2s at 09:46:47.949400');
    expect(tx).toContain('response MSRP c3p1m0a5 200 OK  frame 19 s2c at 09:46:47.958500');
    expect(text(section(d, 'CPIM envelope'))).toEqual([
      'From              <sip:alice@example.com>',
      'To                <sip:bob@example.net>',
      'DateTime          2026-11-25T10:00:05Z',
      'NS                imdn <urn:ietf:params:imdn>',
      'imdn.Message-ID   Xk29dLq',
      'imdn.Disp-Notif.  positive-delivery',
      'Content-Type      text/plain',
    ]);
    expect(text(section(d, 'Body'))).toEqual(['Sending now:\\r\\n', '-------notours$\\r\\n', 'ok']);
    const cov = text(section(d, 'Byte-Range coverage'))[0] ?? '';
    expect(cov).toMatch(/^leg 0 \[█+\] 262\/262 B$/);
    expect(cov.length).toBeLessThanOrEqual(78);
    expect(text(section(d, 'Hops'))).toEqual([
      'hop 0  conn 0 c2s  192.0.2.10:49733 → 198.51.100.20:2855  To-Path 1',
      '      1 chunk, 262 B, complete · final response 200 (frame 19)',
      "      first hop (the message's first chunk)",
      '      response time 9.05 ms',
    ]);
    expect(text(section(d, 'Chunks'))).toEqual([
      'hop 0  conn 0 c2s  192.0.2.10:49733 → 198.51.100.20:2855  1 chunk',
      '    1  c3p1m0a5  1-262/262 $  frames 16–17  200 OK · 9.05 ms (frame 19)',
    ]);
    expect(text(section(d, 'Diagnostics'))).toEqual(['none']);
  });

  it('dumps a binary body in hex from the bytes the model kept, with the file check', () => {
    const d = detailSections(chat.doc, { kind: 'message', message: 3, transaction: 4 }, { width: 80, body: chat.body(3) });
    const hex = text(section(d, 'Body (hex)'));
    expect(hex).toHaveLength(18);
    expect(hex[0]).toBe('0000  07 26 45 64 83 a2 c1 e0  ff 1e 3d 5c 7b 9a b9 d8  |.&Ed......=\\{...|');
    // 256 shown + 768 kept + 8976 on the wire = the 10000 B of the message.
    expect(hex.slice(16)).toEqual(['… 768 more bytes kept (not shown)', '… 8976 more bytes on the wire (not kept)']);
    expect(text(section(d, 'File transfer'))).toContain('check             verified');
    expect(text(section(d, 'Delivery'))).toContain('REPORT            000 200 OK  1-10000/10000  conn 0 s2c  frame 41 at 09:46:50.000250');
    const plain = detailSections(chat.doc, { kind: 'message', message: 3, transaction: 4 }, { width: 80 });
    expect(text(section(plain, 'Body'))).toEqual(['(10000 bytes of application/octet-stream content; no text preview)']);
  });

  it('shows a SIP dialog with its SDP offer and answer', () => {
    const d = detailSections(chat.doc, { kind: 'sip', dialog: 0, frame: 1 }, { width: 80 });
    expect(d.map((s) => s.title)).toEqual(['SIP dialog 0', 'SDP offer', 'SDP answer']);
    expect(text(d[0])).toContain('Call-ID           c7f3a9e2@192.0.2.10');
    expect(text(d[0])).toContain('state             terminated by BYE from the callee');
    expect(text(d[1])).toContain('  path            msrp://192.0.2.10:2855/a1iceS3ss;tcp');
  });

  it('renders sections as titled, indented lines', () => {
    const lines = sectionLines(detailSections(chat.doc, { kind: 'message', message: 0, transaction: 0 }, { width: 80 })).map(lineText);
    expect(lines[0]).toBe('── Message 0 ');
    expect(lines[1]).toBe('  Message-ID        m-hello-0001');
    expect(lines).toContain('  Hello Bob! Are you there?');
    expect(lines).toContain('');
  });
});

describe('raw view', () => {
  it('shows the request and response text with frame numbers', () => {
    const lines = rawLines(chat.doc, { kind: 'transaction', transaction: 0, part: 'request' }, [0]).map(lineText);
    expect(lines).toEqual([
      '── request · frame 8 · conn 0 tcp c2s 192.0.2.10:49733 → 198.51.100.20:2855 · 09:46:43.927200',
      'MSRP t1a9b3c4 SEND',
      'To-Path: msrp://198.51.100.20:2855/b0bS3ssi0n;tcp',
      'From-Path: msrp://192.0.2.10:2855/a1iceS3ss;tcp',
      'Message-ID: m-hello-0001',
      'Success-Report: yes',
      'Byte-Range: 1-25/25',
      'Content-Type: text/plain',
      '',
      'Hello Bob! Are you there?',
      '-------t1a9b3c4$',
      '── response · frame 10 · conn 0 tcp s2c 198.51.100.20:2855 → 192.0.2.10:49733 · 09:46:43.939250',
      'MSRP t1a9b3c4 200 OK',
      'To-Path: msrp://192.0.2.10:2855/a1iceS3ss;tcp',
      'From-Path: msrp://198.51.100.20:2855/b0bS3ssi0n;tcp',
      '-------t1a9b3c4$',
    ]);
  });

  it('shows a CPIM body from the kept bytes with every line end escaped', () => {
    const lines = rawLines(chat.doc, { kind: 'transaction', transaction: 3, part: 'request' }, [3], { body: chat.body }).map(lineText);
    const i = lines.indexOf('');
    expect(lines.slice(i + 1, i + 4)).toEqual(['From: <sip:alice@example.com>\\r\\n', 'To: <sip:bob@example.net>\\r\\n', 'DateTime: 2026-11-25T10:00:05Z\\r\\n']);
    expect(lines).toContain('-------notours$\\r\\n');
    expect(lines).toContain('-------c3p1m0a5$');
    // Without the bytes, the CPIM body is not guessed from the inner preview.
    expect(rawLines(chat.doc, { kind: 'transaction', transaction: 3, part: 'request' }, [3]).map(lineText)).toContain('[262 B of message/cpim content not kept]');
  });

  it('shows every transaction of a folded message in frame order', () => {
    const lines = rawLines(chat.doc, { kind: 'message', message: 3, transaction: 4 }, [4, 5, 6, 7], { body: chat.body }).map(lineText);
    expect(lines.filter((l) => l.startsWith('MSRP '))).toEqual([
      'MSRP f0l3chunk0 SEND',
      'MSRP f0l3chunk0 200 OK',
      'MSRP f1l3chunk1 SEND',
      'MSRP f1l3chunk1 200 OK',
      'MSRP f2l3chunk2 SEND',
      'MSRP f2l3chunk2 200 OK',
      'MSRP r9f1l3ok REPORT',
    ]);
    expect(lines).toContain('[4096 B of application/octet-stream content]');
    expect(lines).toContain('-------f0l3chunk0+');
    expect(lines).toContain('── request · frames 21–24 · conn 0 tcp c2s 192.0.2.10:49733 → 198.51.100.20:2855 · 09:46:49.958550');
  });

  it('says when a request was cut before its end-line', () => {
    const doc = clone(chat.doc);
    const t = doc.transactions[0];
    if (t?.request) {
      t.request.truncated = true;
      t.request.flag = null;
    }
    expect(rawLines(doc, { kind: 'transaction', transaction: 0, part: 'request' }, [0]).map(lineText)).toContain('[cut: the capture ends before the end-line]');
  });
});

describe('help', () => {
  it('lists every key of the key table', () => {
    const lines = helpLines().map(lineText);
    for (const s of KEY_SECTIONS) {
      expect(lines).toContain(s.title);
      for (const k of s.keys) expect(lines.some((l) => l.includes(k.keys) && l.includes(k.what))).toBe(true);
    }
    const all = KEY_SECTIONS.flatMap((s) => s.keys.map((k) => k.keys)).join(' ');
    for (const key of ['?', 'F1', 'q', 'Esc', 'Enter', '/', 'd', 't', 'f', 'r', 'Space', 's S', 'x']) expect(all).toContain(key);
  });
});

describe.skipIf(!HAVE_CORPUS)('diagnostics', () => {
  let doc: JsonDocument;
  beforeAll(async () => {
    doc = (await built(corpusFile('relay_abort_fail.pcap'))).doc;
  });

  it('groups diagnostics by code, worst first', () => {
    const lines = diagnosticItems(doc).map((i) => lineText(diagnosticItemLine(i)));
    expect(lines).toEqual([
      'malformed-header-line  warning  ×1',
      expect.stringMatching(/^ {2}frame 20 {5}conn 1 {2}\+378 .*ignored header line "xyz123\\x00\\x00.*-------aaBjvWeDIK\$"$/),
      'tcp-midstream  note  ×2',
      '  frame 38     conn 3  no SYN seen: the capture starts mid-connection',
      '  frame 99     conn 4  no SYN seen: the capture starts mid-connection',
      'truncated-at-end  note  ×1',
      expect.stringMatching(/^ {2}frame 20 {5}conn 1 {2}\+246 .*423 aaBjvWeDIK cut in its header block$/),
    ]);
  });

  it('finds the message and session of a frame', () => {
    expect(locateFrame(doc, 38, 3)).toEqual({ scope: { kind: 'session', session: 0 }, transaction: 8, message: 0 });
    expect(locateFrame(doc, 99, 4)).toEqual({ scope: { kind: 'session', session: 0 }, transaction: 30, message: 4 });
    expect(locateFrame(doc, 20, 1)).toEqual({ scope: { kind: 'connection', connection: 1 }, transaction: 4, message: null });
    // An AUTH of a session endpoint leads to that session's ladder.
    expect(locateFrame(doc, 4, 0)).toEqual({ scope: { kind: 'session', session: 0 }, transaction: 0, message: null });
    expect(locateFrame(doc, 100000, 77)).toEqual({ scope: null, transaction: null, message: null });
  });

  it('lists the diagnostics of a message in its detail', () => {
    const d = detailSections(doc, { kind: 'message', message: 0, transaction: null }, { width: 80 });
    expect(text(section(d, 'Diagnostics'))).toEqual(['frame 38    tcp-midstream conn 3  no SYN seen: the capture starts mid-connection']);
    expect(text(section(d, 'Byte-Range coverage'))[1]).toBe('      holes 16385-60000');
    expect(text(section(d, 'Message 0'))).toContain('state             aborted');
  });
});
