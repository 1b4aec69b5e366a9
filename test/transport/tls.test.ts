import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dir } from '../../src/tcp/types.js';
import { certificateNames } from '../../src/transport/der-name.js';
import { gatherSize, TlsTracker } from '../../src/transport/tls.js';
import { TLS_MAX_RECORD } from '../../src/transport/tls-records.js';
import { parseClientHello, parseServerHello } from '../../src/transport/tls-hello.js';
import { cut, ref } from './helpers.js';
import { TLS12_CLIENT_HEX, TLS12_SERVER_HEX } from './tls12-fixture.js';

/** Real certificates made with openssl for these tests: a v1 leaf (no [0] version) and its v3 self-signed CA. */
const LEAF_B64 =
  'MIIBgTCCAScCFFfxjelgf8uFsVYGCYqN0Iv/vU7lMAoGCCqGSM49BAMCMDkxCzAJBgNVBAYTAkRFMRAwDgYDVQQKDAdFeGFtcGxl' +
  'MRgwFgYDVQQDDA9FeGFtcGxlIFRlc3QgQ0EwHhcNMjYxMTI1MTgwNDIxWhcNMzYxMTIyMTgwNDIxWjBNMRswGQYDVQQKDBJFeGFt' +
  'cGxlIE1TUlAgUmVsYXkxEjAQBgNVBAsMCU1lc3NhZ2luZzEaMBgGA1UEAwwRcmVsYXkuZXhhbXBsZS5vcmcwWTATBgcqhkjOPQIB' +
  'BggqhkjOPQMBBwNCAAQjb6dBs1xtGuXyYje8brJzj4hoYY5oqCYmlED9VbGQX7wLcVCQ+rYBj6np7SFjGH/uoBexCNAy0GPaQQFV' +
  'BsaLMAoGCCqGSM49BAMCA0gAMEUCIF17GzMlTS4BHq1F/z9clFzM21NERw/iUCsYP24Syl/xAiEAsRlYA007phsU12PoPX4Ds4Lc' +
  'owIBrWiybhTzvb59/c4=';
const CA_B64 =
  'MIIBxjCCAW2gAwIBAgIUHN1TPLL5Gq2jFyw/azXfKDLpd1QwCgYIKoZIzj0EAwIwOTELMAkGA1UEBhMCREUxEDAOBgNVBAoMB0V4' +
  'YW1wbGUxGDAWBgNVBAMMD0V4YW1wbGUgVGVzdCBDQTAeFw0yNjExMjUxODA0MjFaFw0zNjExMjIxODA0MjFaMDkxCzAJBgNVBAYT' +
  'AkRFMRAwDgYDVQQKDAdFeGFtcGxlMRgwFgYDVQQDDA9FeGFtcGxlIFRlc3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASP' +
  'N2w7pDBt/Ea0H2+ilxb+TAyPJIbqq3QcUNxabCvRg3lb4Sn+jLleuGN++SuK7RKZrNwapkAFqyXDRmZOU8zdo1MwUTAdBgNVHQ4E' +
  'FgQUWONiHaP/LuQ9KElAOW2Ei+j+mngwHwYDVR0jBBgwFoAUWONiHaP/LuQ9KElAOW2Ei+j+mngwDwYDVR0TAQH/BAUwAwEB/zAK' +
  'BggqhkjOPQQDAgNHADBEAiAXg5AEYNwnVfIlQKVRaSguWEApaaczpFa4JHgvH68POwIgX0CXv/ocNLhS5v6k23QsfyRwjdNpgYlv' +
  '0+zEp2Sd3nQ=';

const CLIENT = Buffer.from(TLS12_CLIENT_HEX, 'hex');
const SERVER = Buffer.from(TLS12_SERVER_HEX, 'hex');

interface Diag {
  code: string;
  dir: Dir | undefined;
  detail: string;
}

function tracker(lenient = false): { t: TlsTracker; diags: Diag[] } {
  const diags: Diag[] = [];
  const t = new TlsTracker((code, dir, detail) => diags.push({ code, dir, detail }), lenient);
  return { t, diags };
}

/** The wire order of the recorded handshake: [direction, start, end) flights. */
const FLIGHTS: [Dir, number, number][] = [
  [0, 0, 225], // ClientHello
  [1, 0, 1075], // ServerHello, Certificate, ServerKeyExchange, ServerHelloDone
  [0, 225, 318], // ClientKeyExchange, ChangeCipherSpec, Finished
  [1, 1075, 1317], // NewSessionTicket, ChangeCipherSpec, Finished
  [0, 318, 349], // alert
  [1, 1317, 1348], // alert
];

/** Feeds the flights in wire order, each cut at `cuts[i]` (offsets within the flight), frame numbers increasing. */
function feed(t: TlsTracker, cuts: number[][] = []): void {
  let frame = 1;
  FLIGHTS.forEach(([dir, a, b], i) => {
    const bytes = (dir === 0 ? CLIENT : SERVER).subarray(a, b);
    for (const p of cut(bytes, cuts[i] ?? [])) t.push(dir, p, ref(frame++));
  });
}

// ---- byte builders for hand-made handshakes ----
const u8 = (n: number) => Buffer.from([n]);
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const vec8 = (b: Buffer) => Buffer.concat([u8(b.length), b]);
const vec16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
const vec24 = (b: Buffer) => Buffer.concat([u24(b.length), b]);
const ext = (type: number, data: Buffer) => Buffer.concat([u16(type), vec16(data)]);
const record = (type: number, body: Buffer, version = 0x0303) => Buffer.concat([u8(type), u16(version), vec16(body)]);
const handshake = (type: number, body: Buffer) => Buffer.concat([u8(type), vec24(body)]);

function clientHello(opts: { sni?: string; alpn?: string[]; versions?: number[]; raw?: Buffer } = {}): Buffer {
  const exts: Buffer[] = [];
  if (opts.sni !== undefined) exts.push(ext(0, vec16(Buffer.concat([u8(0), vec16(Buffer.from(opts.sni))]))));
  if (opts.alpn) exts.push(ext(16, vec16(Buffer.concat(opts.alpn.map((p) => vec8(Buffer.from(p)))))));
  if (opts.versions) exts.push(ext(43, vec8(Buffer.concat(opts.versions.map(u16)))));
  if (opts.raw) exts.push(opts.raw);
  return Buffer.concat([u16(0x0303), Buffer.alloc(32, 0xab), vec8(Buffer.alloc(32, 1)), vec16(Buffer.concat([u16(0x1301), u16(0xc02f)])), vec8(u8(0)), vec16(Buffer.concat(exts))]);
}

function serverHello(cipher: number, opts: { version?: number; alpn?: string } = {}): Buffer {
  const exts: Buffer[] = [];
  if (opts.version !== undefined) exts.push(ext(43, u16(opts.version)));
  if (opts.alpn !== undefined) exts.push(ext(16, vec16(vec8(Buffer.from(opts.alpn)))));
  return Buffer.concat([u16(0x0303), Buffer.alloc(32, 0xcd), vec8(Buffer.alloc(32, 1)), u16(cipher), u8(0), vec16(Buffer.concat(exts))]);
}

const LEAF_NAMES = { subject: 'O=Example MSRP Relay, OU=Messaging, CN=relay.example.org', issuer: 'C=DE, O=Example, CN=Example Test CA' };

describe('TlsTracker on a real TLS 1.2 handshake', () => {
  const expected = {
    handshakeSeen: true,
    midStream: false,
    recordVersion: 'TLS 1.0',
    offeredVersions: ['TLS 1.2'],
    version: 'TLS 1.2',
    sni: 'relay.example.org',
    alpnOffered: ['msrp'],
    alpn: 'msrp',
    cipherSuite: 0xc02c,
    cipher: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    clientRandom: CLIENT.toString('hex', 11, 43),
    certSubject: LEAF_NAMES.subject,
    certIssuer: LEAF_NAMES.issuer,
    handshakeMessages: ['client_hello', 'server_hello', 'certificate', 'server_key_exchange', 'server_hello_done', 'client_key_exchange', 'new_session_ticket'],
  };

  it('reads version, SNI, ALPN, cipher, certificate names and counts records', () => {
    const { t, diags } = tracker();
    // In wire order: ClientHello, server flight, client CKE/CCS/Finished, server ticket/CCS/Finished, alerts.
    feed(t);
    expect(t.facts).toMatchObject(expected);
    expect(t.facts.dirs).toEqual([
      {
        records: 5,
        bytes: CLIENT.length,
        byType: { changeCipherSpec: 1, alert: 1, handshake: 3, applicationData: 0, heartbeat: 0 },
        applicationDataBytes: 0,
        unframed: false,
      },
      {
        records: 8,
        bytes: SERVER.length,
        byType: { changeCipherSpec: 1, alert: 1, handshake: 6, applicationData: 0, heartbeat: 0 },
        applicationDataBytes: 0,
        unframed: false,
      },
    ]);
    // The close_notify alerts are sent after ChangeCipherSpec: encrypted, so not diagnosed.
    expect(t.facts.alerts.map((a) => [a.dir, a.name, a.level])).toEqual([
      [0, 'encrypted', null],
      [1, 'encrypted', null],
    ]);
    expect(diags).toEqual([]);
    t.close(ref(99));
    expect(diags.map((d) => d.code)).toEqual(['tls-encrypted']);
    expect(diags[0]!.detail).toBe('TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, SNI relay.example.org: 0 application_data records (0 bytes) not decrypted');
  });

  /** Facts without the alerts' frame numbers (they follow how the bytes were cut into frames). */
  const comparable = (t: TlsTracker) => ({ ...t.facts, alerts: t.facts.alerts.map((a) => ({ ...a, frame: 0 })) });

  it('any split of the flights gives the same facts', () => {
    const whole = tracker();
    feed(whole.t);
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(1100), { maxLength: 6 }), { minLength: 6, maxLength: 6 }), (cuts) => {
        const r = tracker();
        feed(r.t, cuts);
        expect(comparable(r.t)).toEqual(comparable(whole.t));
        expect(r.diags).toEqual(whole.diags);
      }),
      { numRuns: 200 },
    );
    const bytewise = tracker();
    feed(
      bytewise.t,
      FLIGHTS.map(([, a, b]) => Array.from({ length: b - a }, (_, i) => i)),
    );
    expect(comparable(bytewise.t)).toEqual(comparable(whole.t));
    expect(whole.t.facts).toMatchObject({ sni: 'relay.example.org', certSubject: LEAF_NAMES.subject });
  });
});

describe('TlsTracker on hand-made records', () => {
  it('TLS 1.3: supported_versions decides the version, GREASE dropped, no certificate parsing', () => {
    const { t } = tracker();
    t.push(0, record(22, handshake(1, clientHello({ sni: 'msrp.example.net', alpn: ['msrp', 'h2'], versions: [0x3a3a, 0x0304, 0x0303] })), 0x0301), ref(1));
    t.push(1, record(22, handshake(2, serverHello(0x1301, { version: 0x0304 }))), ref(2));
    t.push(1, record(20, u8(1)), ref(2));
    t.push(1, record(23, Buffer.alloc(100)), ref(3));
    expect(t.facts).toMatchObject({
      version: 'TLS 1.3',
      offeredVersions: ['TLS 1.3', 'TLS 1.2'],
      sni: 'msrp.example.net',
      alpnOffered: ['msrp', 'h2'],
      alpn: null,
      cipher: 'TLS_AES_128_GCM_SHA256',
      recordVersion: 'TLS 1.0',
      clientRandom: 'ab'.repeat(32),
    });
    expect(t.facts.dirs[1]).toMatchObject({ records: 3, applicationDataBytes: 100 });
  });

  it('a handshake message spanning records, and two messages in one record', () => {
    const { t } = tracker();
    const ch = handshake(1, clientHello({ sni: 'a.example' }));
    t.push(0, Buffer.concat([record(22, ch.subarray(0, 10)), record(22, ch.subarray(10, 60)), record(22, ch.subarray(60))]), ref(1));
    const cert = handshake(11, vec24(Buffer.concat([vec24(Buffer.from(LEAF_B64, 'base64')), vec24(Buffer.from(CA_B64, 'base64'))])));
    t.push(1, record(22, Buffer.concat([handshake(2, serverHello(0xc02f, { alpn: 'msrp' })), cert, handshake(14, Buffer.alloc(0))])), ref(2));
    expect(t.facts).toMatchObject({ sni: 'a.example', version: 'TLS 1.2', alpn: 'msrp', certSubject: LEAF_NAMES.subject, certIssuer: LEAF_NAMES.issuer });
    expect(t.facts.handshakeMessages).toEqual(['client_hello', 'server_hello', 'certificate', 'server_hello_done']);
    expect(t.facts.dirs[0].records).toBe(3);
  });

  it('clear-text alerts: fatal ones are diagnosed, close_notify is not', () => {
    const { t, diags } = tracker();
    t.push(0, record(22, handshake(1, clientHello())), ref(1));
    t.push(1, Buffer.concat([record(21, Buffer.from([2, 40])), record(21, Buffer.from([1, 0]))]), ref(2));
    expect(t.facts.alerts).toEqual([
      { dir: 1, frame: 2, level: 2, description: 40, name: 'handshake_failure' },
      { dir: 1, frame: 2, level: 1, description: 0, name: 'close_notify' },
    ]);
    expect(diags).toEqual([{ code: 'tls-alert', dir: 1, detail: 'fatal alert handshake_failure (40)' }]);
  });

  it('a bad record header stops framing with tls-bad-record; the bytes are still counted', () => {
    const { t, diags } = tracker();
    const bytes = Buffer.concat([record(22, handshake(1, clientHello())), Buffer.from('MSRP abc SEND\r\n')]);
    t.push(0, bytes, ref(1));
    t.push(0, record(23, Buffer.alloc(10)), ref(2));
    expect(diags).toEqual([{ code: 'tls-bad-record', dir: 0, detail: 'not a TLS record header: 4d53525020' }]);
    expect(t.facts.dirs[0]).toMatchObject({ records: 1, bytes: bytes.length + 15, unframed: true });
  });

  it('record lengths over 2^14 + 2048 and unknown versions are not records', () => {
    for (const hdr of ['1703034801', '1704030010', '1903030010', '1302030010']) {
      const { t, diags } = tracker();
      t.push(0, Buffer.from(hdr + '00'.repeat(20), 'hex'), ref(1));
      expect(diags.map((d) => d.code)).toEqual(['tls-bad-record']);
      expect(t.facts.dirs[0].records).toBe(0);
    }
  });

  it('mid-stream: a direction starting inside a record is only counted, without a diagnostic', () => {
    const { t, diags } = tracker(true);
    t.push(0, Buffer.from('0123456789abcdef', 'hex'), ref(1));
    t.push(1, record(23, Buffer.alloc(40)), ref(2));
    t.close(ref(3));
    expect(t.facts).toMatchObject({ midStream: true, handshakeSeen: false, recordVersion: 'TLS 1.2' });
    expect(t.facts.dirs[0]).toMatchObject({ records: 0, bytes: 8, unframed: true });
    expect(t.facts.dirs[1]).toMatchObject({ records: 1, bytes: 45, unframed: false });
    expect(diags.map((d) => d.code)).toEqual(['tls-midstream', 'tls-encrypted']);
  });

  it('a TCP gap stops framing of that direction', () => {
    const { t, diags } = tracker();
    t.push(0, record(23, Buffer.alloc(40)).subarray(0, 20), ref(1));
    t.gap(0, 25, ref(2));
    t.push(0, record(23, Buffer.alloc(40)), ref(3));
    expect(diags).toEqual([{ code: 'tls-gap', dir: 0, detail: '25 bytes missing: record framing of this direction stops' }]);
    expect(t.facts.dirs[0]).toMatchObject({ records: 1, bytes: 65, unframed: true });
  });

  it('malformed hellos are diagnosed, facts stay unknown', () => {
    const { t, diags } = tracker();
    const bad = clientHello({ raw: Buffer.from([0, 0, 0, 9, 0, 7]) });
    t.push(0, record(22, handshake(1, bad)), ref(1));
    t.push(1, record(22, handshake(2, Buffer.alloc(20))), ref(2));
    expect(diags.map((d) => d.detail)).toEqual(['ClientHello could not be parsed', 'ServerHello could not be parsed']);
    expect(t.facts).toMatchObject({ handshakeSeen: false, sni: null, version: null });
  });

  it('random handshake bodies never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (body) => {
        const b = Buffer.from(body);
        parseClientHello(b);
        parseServerHello(b);
        certificateNames(b);
        const { t } = tracker();
        t.push(0, record(22, Buffer.concat([u8(1), vec24(b)])), ref(1));
        t.push(1, record(22, Buffer.concat([u8(11), vec24(b)])), ref(2));
        t.push(1, record(22, Buffer.concat([u8(2), vec24(b)])), ref(3));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('certificateNames (bounded DER walk)', () => {
  it('matches node:crypto X509Certificate on real certificates (v1 and v3)', () => {
    for (const b64 of [LEAF_B64, CA_B64]) {
      const der = Buffer.from(b64, 'base64');
      const x = new X509Certificate(der);
      const names = certificateNames(der)!;
      expect(names.subject).toBe(x.subject.split('\n').join(', '));
      expect(names.issuer).toBe(x.issuer.split('\n').join(', '));
    }
    expect(certificateNames(Buffer.from(LEAF_B64, 'base64'))).toEqual(LEAF_NAMES);
  });

  it('every truncation of a certificate gives undefined or the right names, never a throw', () => {
    const der = Buffer.from(CA_B64, 'base64');
    for (let n = 0; n < der.length; n++) {
      const r = certificateNames(der.subarray(0, n));
      // The outer lengths no longer fit: always rejected.
      expect(r).toBeUndefined();
    }
  });

  it('BMPString and UTF8String values; unknown attributes skipped; control characters escaped', () => {
    const tlvb = (tag: number, content: Buffer): Buffer => {
      const len = content.length < 128 ? Buffer.from([content.length]) : Buffer.from([0x82, content.length >> 8, content.length & 0xff]);
      return Buffer.concat([Buffer.from([tag]), len, content]);
    };
    const atv = (oidLast: number, tag: number, value: Buffer) =>
      tlvb(0x31, tlvb(0x30, Buffer.concat([tlvb(0x06, Buffer.from([0x55, 0x04, oidLast])), tlvb(tag, value)])));
    const bmp = Buffer.from('Ünï', 'utf16le').swap16();
    const name = tlvb(0x30, Buffer.concat([atv(3, 0x1e, bmp), atv(7, 0x0c, Buffer.from('Locality')), atv(10, 0x0c, Buffer.from('Evil\x1b[31m'))]));
    const tbs = tlvb(
      0x30,
      Buffer.concat([tlvb(0x02, Buffer.from([1])), tlvb(0x30, tlvb(0x06, Buffer.from([1, 2]))), name, tlvb(0x30, Buffer.alloc(0)), name]),
    );
    const cert = tlvb(0x30, tbs);
    expect(certificateNames(cert)).toEqual({ subject: 'CN=Ünï, O=Evil\\x1b[31m', issuer: 'CN=Ünï, O=Evil\\x1b[31m' });
  });
});

describe('gathering a record that comes in pieces', () => {
  it('takes a buffer the size of the record, in powers of two from 1 KiB, at most the largest record', () => {
    expect([1, 1024, 1025, 3000, 16384, 16385, TLS_MAX_RECORD].map(gatherSize)).toEqual([1024, 1024, 2048, 4096, 16384, TLS_MAX_RECORD, TLS_MAX_RECORD]);
    for (let n = 1; n <= TLS_MAX_RECORD; n += 97) expect(gatherSize(n)).toBeGreaterThanOrEqual(n);
  });
});
