import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cipherSuiteInfo } from '../../src/transport/tls-cipher-suites.js';
import { hkdfExpandLabel, nextTrafficSecret13, trafficKeys13 } from '../../src/transport/tls-key-schedule.js';
import { RecordDecrypter } from '../../src/transport/tls-record-cipher.js';

/** Hex as RFC 8448 prints it (spaces and line breaks allowed). */
const h = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const AES128 = cipherSuiteInfo(0x1301)!;

// RFC 8448 section 3, "Simple 1-RTT Handshake" (TLS_AES_128_GCM_SHA256).
const C_HS = h('b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21');
const S_HS = h('b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38');
const C_AP = h('9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5');
const S_AP = h('a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43');

/** {server} send handshake record: EncryptedExtensions, Certificate, CertificateVerify, Finished in one record. */
const SERVER_HS_RECORD = h(
  '170303 02a2' +
    'd1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35edf7869fcf40aa40aa2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78b1' +
    '11b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13bd9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e3' +
    '7d57a6b9d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2ed65b0e3cdd0cbae8bf2d0b227812cbb360987255cc7441' +
    '10c453baa4fcd610928d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead686945ba246ab66e5edd8044b4c6de3fcf2a8944' +
    '1ac66272fd8fb330ef8190579b3684596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f4415cf9538d51a200c270342' +
    '72968a264ed6540c84838d89f72c24461aad6d26f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b659622245317b49eeda0c625' +
    '8f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da8c' +
    '87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d461e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85' +
    'df881edbe5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb992f2b992f67f8afe67f76913fa388cb5630c8ca01e' +
    '0c65d11c66a1e2ac4c85977b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038ebba42f3b38edc0399f3a9f23faa639' +
    '78c317fc9fa66a73f60f0504de93b5b845e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5d2af939828fd4ae3794' +
    'e44f94df5a631ede42c1719bfdabf0253fe5175be898e750edc53370d2b',
);
const ENCRYPTED_EXTENSIONS = h(
  '08 00 00 24 00 22 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c 00 02 40 01 00 00 00 00',
);
const SERVER_FINISHED = h(
  '14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07 18',
);
/** {client} send handshake record: the client's Finished. */
const CLIENT_FINISHED_RECORD = h(`17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9
  b9 3c 7a 4b fc 44 d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46`);
const CLIENT_FINISHED = h(`14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1 1a 03 9e c1 76 94 fa c6 e9 85
  27 b6 42 f2 ed d5 ce 61`);
/** {client} send application_data record: payload 00 01 ... 31. */
const CLIENT_APP_RECORD = h(`17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa
  66 bc ab 3f 2b 98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2 97 70 14 bd 1e 3d ea e6 3a ee bb
  21 69 49 15 e4`);

function openRecord(d: RecordDecrypter, record: Buffer) {
  expect(record.readUInt16BE(3)).toBe(record.length - 5);
  return d.open(record[0]!, record.readUInt16BE(1), record.subarray(5));
}

describe('TLS 1.3 key schedule: RFC 8448 Simple 1-RTT Handshake', () => {
  it.each([
    ['client handshake', C_HS, 'db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01', '5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f'],
    ['server handshake', S_HS, '3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc', '5d 31 3e b2 67 12 76 ee 13 00 0b 30'],
    ['client application', C_AP, '17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51', '5b 78 92 3d ee 08 57 90 33 e5 23 d9'],
    ['server application', S_AP, '9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56', 'cf 78 2b 88 dd 83 54 9a ad f1 e9 84'],
  ])('%s traffic secret → key and iv', (_name, secret, key, iv) => {
    const k = trafficKeys13(AES128, secret);
    expect(k.key).toEqual(h(key));
    expect(k.iv).toEqual(h(iv));
    expect(k.macKey.length).toBe(0);
  });

  it('hkdfExpandLabel builds the HkdfLabel of RFC 8446 7.1 (checked against a hand-made info)', () => {
    // "key info (13 octets): 00 10 09 74 6c 73 31 33 20 6b 65 79 00" in RFC 8448: one HMAC block suffices.
    const info = h('00 10 09 74 6c 73 31 33 20 6b 65 79 00');
    const t1 = createHmac('sha256', S_HS).update(info).update(Buffer.of(1)).digest();
    expect(hkdfExpandLabel('sha256', S_HS, 'key', Buffer.alloc(0), 16)).toEqual(t1.subarray(0, 16));
    // A context is length-prefixed after the label; 80 bytes of SHA-384 take two blocks.
    const ctx = h('aa bb cc');
    const info2 = Buffer.concat([h('00 50 0d'), Buffer.from('tls13 derived'), h('03 aa bb cc')]);
    const b1 = createHmac('sha384', S_HS).update(info2).update(Buffer.of(1)).digest();
    const b2 = createHmac('sha384', S_HS).update(b1).update(info2).update(Buffer.of(2)).digest();
    expect(hkdfExpandLabel('sha384', S_HS, 'derived', ctx, 80)).toEqual(Buffer.concat([b1, b2]).subarray(0, 80));
  });

  it('nextTrafficSecret13 is HKDF-Expand-Label(secret, "traffic upd", "", Hash.length)', () => {
    const info256 = Buffer.concat([h('00 20 11'), Buffer.from('tls13 traffic upd'), h('00')]);
    const want256 = createHmac('sha256', C_AP).update(info256).update(Buffer.of(1)).digest();
    expect(nextTrafficSecret13('sha256', C_AP)).toEqual(want256);
    const info384 = Buffer.concat([h('00 30 11'), Buffer.from('tls13 traffic upd'), h('00')]);
    const want384 = createHmac('sha384', C_AP).update(info384).update(Buffer.of(1)).digest();
    expect(nextTrafficSecret13('sha384', C_AP)).toEqual(want384);
    expect(nextTrafficSecret13('sha256', want256)).not.toEqual(want256);
  });

  it('sizes follow the suite: AES-256 and ChaCha20 keys are 32 bytes, the IV always 12', () => {
    const k256 = trafficKeys13(cipherSuiteInfo(0x1302)!, h('01'.repeat(48)));
    expect([k256.key.length, k256.iv.length]).toEqual([32, 12]);
    const kcc = trafficKeys13(cipherSuiteInfo(0x1303)!, h('01'.repeat(32)));
    expect([kcc.key.length, kcc.iv.length]).toEqual([32, 12]);
  });
});

describe('TLS 1.3 records of RFC 8448', () => {
  it("decrypts the server's first protected record (EncryptedExtensions ... Finished)", () => {
    const d = new RecordDecrypter(AES128, trafficKeys13(AES128, S_HS));
    const r = openRecord(d, SERVER_HS_RECORD);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.type).toBe(22);
    expect(r.plaintext.length).toBe(657);
    expect(r.plaintext.subarray(0, 40)).toEqual(ENCRYPTED_EXTENSIONS);
    expect(r.plaintext[40]).toBe(0x0b); // Certificate
    expect(r.plaintext[485]).toBe(0x0f); // CertificateVerify
    expect(r.plaintext.subarray(621)).toEqual(SERVER_FINISHED);
    expect(d.seq).toBe(1);
  });

  it("decrypts the client's Finished and then its first application data", () => {
    const hs = new RecordDecrypter(AES128, trafficKeys13(AES128, C_HS));
    const fin = openRecord(hs, CLIENT_FINISHED_RECORD);
    expect(fin).toEqual({ ok: true, type: 22, plaintext: CLIENT_FINISHED });
    const app = new RecordDecrypter(AES128, trafficKeys13(AES128, C_AP));
    const data = openRecord(app, CLIENT_APP_RECORD);
    expect(data.ok && data.type).toBe(23);
    expect(data.ok && data.plaintext).toEqual(Buffer.from(Array.from({ length: 50 }, (_, i) => i)));
  });

  it('refuses the same record at the wrong sequence number, with the wrong keys, or tampered', () => {
    const wrongSeq = new RecordDecrypter(AES128, trafficKeys13(AES128, C_AP));
    wrongSeq.seq = 1;
    expect(openRecord(wrongSeq, CLIENT_APP_RECORD)).toEqual({ ok: false, reason: 'authentication failed' });
    expect(wrongSeq.seq).toBe(2);
    const wrongKey = new RecordDecrypter(AES128, trafficKeys13(AES128, S_AP));
    expect(openRecord(wrongKey, CLIENT_APP_RECORD).ok).toBe(false);
    const tampered = Buffer.from(CLIENT_APP_RECORD);
    tampered[20]! ^= 1;
    expect(openRecord(new RecordDecrypter(AES128, trafficKeys13(AES128, C_AP)), tampered).ok).toBe(false);
    // The header is authenticated too: another outer type or version fails.
    const d = new RecordDecrypter(AES128, trafficKeys13(AES128, C_AP));
    expect(d.open(22, 0x0303, CLIENT_APP_RECORD.subarray(5)).ok).toBe(false);
    const d2 = new RecordDecrypter(AES128, trafficKeys13(AES128, C_AP));
    expect(d2.open(23, 0x0301, CLIENT_APP_RECORD.subarray(5)).ok).toBe(false);
  });
});
