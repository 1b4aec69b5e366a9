#!/usr/bin/env node
// Writes two captures of the SAME synthetic MSRP traffic, for benchmarking and checking TLS decryption:
//
//   node scripts/gen-tls-bench.mjs OUTBASE --target-mb N [--cipher gcm12|chacha12|aes13|chacha13] [--seed S]
//        [--sessions N] [--file-prob P]
//   node scripts/gen-tls-bench.mjs --verify OUTBASE [--streams 0,1,5|all]
//
//   OUTBASE.clear.pcap   MSRP in clear on TCP port 2855 (Ethernet/IPv4, classic pcap, µs timestamps)
//   OUTBASE.tls.pcap     the same connections (addresses, ports, ISNs), each starting with a TLS handshake, the
//                        same MSRP byte streams carried in encrypted TLS records
//   OUTBASE.keys.txt     NSS key log (SSLKEYLOGFILE format) for the TLS capture
//   OUTBASE.truth.json   requests by method, responses by status code, messages (complete, chunked, text,
//                        binary), message_bytes (bodies), msrp_stream_bytes (both directions of every connection),
//                        connections, tls_records (handshake included), frames and file bytes of each capture.
//                        Written last: its presence means the set is complete.
//
// Build first (`npm run build`): packets are made by dist/net/build.js. Deterministic: no clock, no Math.random;
// the MSRP traffic comes from a PRNG seeded by --seed alone, so OUTBASE.clear.pcap is byte-identical for every
// --cipher (the TLS side draws from its own PRNG, seeded by seed and cipher). --target-mb is the size of the
// clear capture (the TLS one is ~1-2% larger). Output is streamed (a few MB of memory whatever the size).
//
// Ciphers (extra: gcm12-256 = TLS 1.2 AES-256-GCM-SHA384, aes13-256 = TLS_AES_256_GCM_SHA384):
//   gcm12    TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256 (0xc02f)        aes13     TLS 1.3 TLS_AES_128_GCM_SHA256 (0x1301)
//   chacha12 TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305 (0xcca8)        chacha13  TLS 1.3 TLS_CHACHA20_POLY1305_SHA256 (0x1303)
//
// The handshake is synthetic but carries what a decryptor needs, in clear records: TLS 1.2 ClientHello,
// ServerHello + ServerHelloDone (no Certificate), ClientKeyExchange, CCS + encrypted Finished both ways; TLS 1.3
// ClientHello (supported_versions, key_share), ServerHello, CCS, encrypted EncryptedExtensions and Finished
// (server handshake keys), client CCS + encrypted Finished (client handshake keys), one NewSessionTicket (server
// application keys), then application data. Secrets are PRNG bytes written to the key log. Each MSRP write
// (one request or response) is cut into records of PRNG sizes (1..16384 bytes of plaintext) and the records
// into 1448-byte TCP segments, so records span segments. Connections end with an encrypted close_notify alert.
//
// --verify runs tshark: the decrypted TLS streams (`-z follow,tls,raw,N` with the key log) must equal the
// clear TCP streams (`-z follow,tcp,raw,N`) byte for byte, direction by direction; and tshark's MSRP dissector
// on the clear capture counts requests by method and responses by status code, printed beside the truth.
import { openSync, writeSync, closeSync, writeFileSync, readFileSync, renameSync } from 'node:fs';
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writePcap } from '../dist/capture/writer.js';
import { buildTcp, LINKTYPE_EN10MB } from '../dist/net/build.js';
import { hashString, Rng as FuzzRng } from '../dist/fuzz/rng.js';

const CRLF = '\r\n';
const SYN = 0x02, ACK = 0x10, PSH = 0x08, FIN = 0x01;
const MSS = 1448;
const MSRP_PORT = 2855;
const MAX_PLAINTEXT = 16384;

// ---------------------------------------------------------------------------------------------------------
// PRNG: sfc32 (small fast counter), state from SHA-256 of a seed string.

/** The fuzzer's seeded generator (sfc32), with the few helpers the traffic needs; seeded from a string. */
export class Rng extends FuzzRng {
  constructor(seed) {
    super(hashString(String(seed)));
  }
  float() { return this.u32() / 4294967296; }
  alnum(n) {
    const abc = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < n; i++) s += abc[this.u32() % 36];
    return s;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Cipher suites and key derivation.

export const SUITES = {
  gcm12: { id: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', tls13: false, aead: 'aes-128-gcm', keyLen: 16, ivLen: 4, hash: 'sha256' },
  'gcm12-256': { id: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', tls13: false, aead: 'aes-256-gcm', keyLen: 32, ivLen: 4, hash: 'sha384' },
  chacha12: { id: 0xcca8, name: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', tls13: false, aead: 'chacha20-poly1305', keyLen: 32, ivLen: 12, hash: 'sha256' },
  aes13: { id: 0x1301, name: 'TLS_AES_128_GCM_SHA256', tls13: true, aead: 'aes-128-gcm', keyLen: 16, ivLen: 12, hash: 'sha256' },
  'aes13-256': { id: 0x1302, name: 'TLS_AES_256_GCM_SHA384', tls13: true, aead: 'aes-256-gcm', keyLen: 32, ivLen: 12, hash: 'sha384' },
  chacha13: { id: 0x1303, name: 'TLS_CHACHA20_POLY1305_SHA256', tls13: true, aead: 'chacha20-poly1305', keyLen: 32, ivLen: 12, hash: 'sha256' },
};
const hashLen = (hash) => (hash === 'sha384' ? 48 : 32);
const hmac = (hash, key, ...data) => { const h = createHmac(hash, key); for (const d of data) h.update(d); return h.digest(); };

/**
 * TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...
 * with A(0) = seed, A(i) = HMAC(secret, A(i-1)); PRF(secret, label, seed) = P_hash(secret, label + seed).
 */
export function prf12(hash, secret, label, seed, length) {
  const s = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out = [];
  let a = s, n = 0;
  while (n < length) {
    a = hmac(hash, secret, a);
    const p = hmac(hash, secret, a, s);
    out.push(p);
    n += p.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * TLS 1.2 AEAD keys (RFC 5246 §6.3): key_block = PRF(master, "key expansion", server_random + client_random),
 * cut into client_write_key, server_write_key, client_write_IV, server_write_IV (AEAD suites have no MAC keys).
 * The IV is the 4-byte GCM salt (RFC 5288) or the 12-byte ChaCha20-Poly1305 IV (RFC 7905).
 */
export function keyBlock12(suite, master, clientRandom, serverRandom) {
  const kb = prf12(suite.hash, master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 2 * (suite.keyLen + suite.ivLen));
  const k = suite.keyLen, v = suite.ivLen;
  return {
    client: { key: kb.subarray(0, k), iv: kb.subarray(2 * k, 2 * k + v) },
    server: { key: kb.subarray(k, 2 * k), iv: kb.subarray(2 * k + v, 2 * k + 2 * v) },
  };
}

/** HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(prk, T(i-1) + info + i), output = T(1) + T(2) + ... cut to length. */
function hkdfExpand(hash, prk, info, length) {
  const out = [];
  let t = Buffer.alloc(0), n = 0;
  for (let i = 1; n < length; i++) {
    t = hmac(hash, prk, t, info, Buffer.from([i]));
    out.push(t);
    n += t.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** HKDF-Expand-Label (RFC 8446 §7.1): info = uint16 length + opaque "tls13 " + label + opaque context. */
export function hkdfExpandLabel(hash, secret, label, context, length) {
  const l = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([u16(length), Buffer.from([l.length]), l, Buffer.from([context.length]), context]);
  return hkdfExpand(hash, secret, info, length);
}

/** TLS 1.3 traffic key and IV of a traffic secret (RFC 8446 §7.3). */
export function trafficKeys13(suite, secret) {
  return { key: hkdfExpandLabel(suite.hash, secret, 'key', Buffer.alloc(0), suite.keyLen), iv: hkdfExpandLabel(suite.hash, secret, 'iv', Buffer.alloc(0), 12) };
}

// ---------------------------------------------------------------------------------------------------------
// Record protection (one direction, one key): TLS 1.2 GCM (RFC 5288), TLS 1.2 ChaCha20-Poly1305 (RFC 7905),
// TLS 1.3 (RFC 8446 §5.2-5.3).

export class RecordSealer {
  constructor(suite, keys, tls13 = suite.tls13) {
    this.suite = suite;
    this.key = keys.key;
    this.iv = keys.iv;
    this.tls13 = tls13;
    this.seq = 0;
  }
  /** One encrypted record (header + body) of `type` holding `pt` (at most 16384 bytes). */
  seal(type, pt) {
    const seq = Buffer.alloc(8);
    seq.writeUInt32BE(Math.floor(this.seq / 2 ** 32), 0);
    seq.writeUInt32BE(this.seq >>> 0, 4);
    this.seq++;
    let nonce, aad, explicit = 0, inner = pt, outerType = type;
    if (this.tls13) {
      // TLSInnerPlaintext = content + content type (no padding); nonce = iv XOR seq (left-padded); AAD = header.
      inner = Buffer.concat([pt, Buffer.from([type])]);
      outerType = 23;
      nonce = Buffer.from(this.iv);
      for (let i = 0; i < 8; i++) nonce[4 + i] ^= seq[i];
      aad = recordHeader(23, 0x0303, inner.length + 16);
    } else {
      // AAD = seq_num + type + version + plaintext length (RFC 5246 §6.2.3.3).
      aad = Buffer.concat([seq, recordHeader(type, 0x0303, pt.length)]);
      if (this.suite.ivLen === 4) {
        nonce = Buffer.concat([this.iv, seq]); // GCM: 4-byte salt + 8-byte explicit nonce (sent: the seq num)
        explicit = 8;
      } else {
        nonce = Buffer.from(this.iv); // ChaCha20-Poly1305: iv XOR seq, nothing explicit
        for (let i = 0; i < 8; i++) nonce[4 + i] ^= seq[i];
      }
    }
    const c = createCipheriv(this.suite.aead, this.key, nonce, { authTagLength: 16 });
    c.setAAD(aad);
    const ct = c.update(inner);
    c.final();
    const bodyLen = explicit + ct.length + 16;
    const out = Buffer.allocUnsafe(5 + bodyLen);
    recordHeader(outerType, 0x0303, bodyLen).copy(out, 0);
    if (explicit) seq.copy(out, 5);
    ct.copy(out, 5 + explicit);
    c.getAuthTag().copy(out, 5 + explicit + ct.length);
    return out;
  }
}

function u16(v) { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; }
function u24(v) { return Buffer.from([(v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]); }
function recordHeader(type, version, length) { const h = Buffer.alloc(5); h[0] = type; h.writeUInt16BE(version, 1); h.writeUInt16BE(length, 3); return h; }
function record(type, version, body) { return Buffer.concat([recordHeader(type, version, body.length), body]); }
function handshake(type, body) { return Buffer.concat([Buffer.from([type]), u24(body.length), body]); }
function vec8(b) { return Buffer.concat([Buffer.from([b.length]), b]); }
function vec16(b) { return Buffer.concat([u16(b.length), b]); }
function ext(type, data) { return Buffer.concat([u16(type), vec16(data)]); }

/** One TLS connection's handshake and record protection; what it writes goes to `tcp.send(dir, bytes)` (0 = client). */
class TlsConn {
  constructor(suite, rng, keylog, sni) {
    Object.assign(this, { suite, rng, keylog, sni });
    this.records = [0, 0];
  }
  clientHello() {
    const s = this.suite;
    this.clientRandom = this.rng.bytes(32);
    this.sessionId = this.rng.bytes(32);
    const name = Buffer.from(this.sni, 'latin1');
    const exts = [ext(0, vec16(Buffer.concat([Buffer.from([0]), vec16(name)]))), ext(10, vec16(Buffer.from([0x00, 0x1d, 0x00, 0x17]))),
      ext(13, vec16(Buffer.from([0x04, 0x03, 0x08, 0x04, 0x04, 0x01])))];
    let suites;
    if (s.tls13) {
      suites = [0x1301, 0x1302, 0x1303];
      exts.push(ext(43, vec8(u16(0x0304))), ext(51, vec16(Buffer.concat([u16(0x001d), vec16(this.rng.bytes(32))]))));
    } else {
      suites = [...new Set([s.id, 0xc02f, 0xc030, 0xcca8, 0x009c])];
      exts.push(ext(11, Buffer.from([1, 0])));
    }
    const body = Buffer.concat([u16(0x0303), this.clientRandom, vec8(this.sessionId), vec16(Buffer.concat(suites.map(u16))),
      Buffer.from([1, 0]), vec16(Buffer.concat(exts))]);
    return record(22, 0x0301, handshake(1, body));
  }
  serverHello() {
    const s = this.suite;
    this.serverRandom = this.rng.bytes(32);
    const exts = s.tls13
      ? [ext(43, u16(0x0304)), ext(51, Buffer.concat([u16(0x001d), vec16(this.rng.bytes(32))]))]
      : [ext(0xff01, Buffer.from([0]))];
    const body = Buffer.concat([u16(0x0303), this.serverRandom, vec8(this.sessionId), u16(s.id), Buffer.from([0]), vec16(Buffer.concat(exts))]);
    return handshake(2, body);
  }
  /** The whole handshake, written to `tcp`; afterwards this.app[dir] seals application data. */
  handshake(tcp) {
    const s = this.suite, hl = hashLen(s.hash);
    tcp.send(0, this.clientHello());
    const sh = this.serverHello();
    const crHex = this.clientRandom.toString('hex');
    const ccs = record(20, 0x0303, Buffer.from([1]));
    if (!s.tls13) {
      const master = this.rng.bytes(48);
      this.keylog.push(`CLIENT_RANDOM ${crHex} ${master.toString('hex')}`);
      const kb = keyBlock12(s, master, this.clientRandom, this.serverRandom);
      this.app = [new RecordSealer(s, kb.client), new RecordSealer(s, kb.server)];
      tcp.send(1, record(22, 0x0303, Buffer.concat([sh, handshake(14, Buffer.alloc(0))])));
      const cke = handshake(16, vec8(Buffer.concat([Buffer.from([4]), this.rng.bytes(64)])));
      tcp.send(0, Buffer.concat([record(22, 0x0303, cke), ccs, this.app[0].seal(22, handshake(20, this.rng.bytes(12)))]));
      tcp.send(1, Buffer.concat([ccs, this.app[1].seal(22, handshake(20, this.rng.bytes(12)))]));
      this.records[0] += 4; // ClientHello, ClientKeyExchange, CCS, Finished
      this.records[1] += 3; // ServerHello + ServerHelloDone, CCS, Finished
    } else {
      const secrets = {};
      for (const label of ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0']) {
        secrets[label] = this.rng.bytes(hl);
        this.keylog.push(`${label} ${crHex} ${secrets[label].toString('hex')}`);
      }
      const chs = new RecordSealer(s, trafficKeys13(s, secrets.CLIENT_HANDSHAKE_TRAFFIC_SECRET));
      const shs = new RecordSealer(s, trafficKeys13(s, secrets.SERVER_HANDSHAKE_TRAFFIC_SECRET));
      this.app = [new RecordSealer(s, trafficKeys13(s, secrets.CLIENT_TRAFFIC_SECRET_0)), new RecordSealer(s, trafficKeys13(s, secrets.SERVER_TRAFFIC_SECRET_0))];
      tcp.send(1, Buffer.concat([record(22, 0x0303, sh), ccs, shs.seal(22, handshake(8, vec16(Buffer.alloc(0)))),
        shs.seal(22, handshake(20, this.rng.bytes(hl)))]));
      tcp.send(0, Buffer.concat([ccs, chs.seal(22, handshake(20, this.rng.bytes(hl)))]));
      // NewSessionTicket: lifetime, age_add, nonce<1>, ticket<2>, extensions<2> (server application keys, seq 0).
      const nst = Buffer.concat([Buffer.from([0, 0, 0x1c, 0x20]), this.rng.bytes(4), vec8(Buffer.from([0])), vec16(this.rng.bytes(64)), vec16(Buffer.alloc(0))]);
      tcp.send(1, this.app[1].seal(22, handshake(4, nst)));
      this.records[0] += 3; // ClientHello, CCS, Finished
      this.records[1] += 5; // ServerHello, CCS, EncryptedExtensions, Finished, NewSessionTicket
    }
  }
  /** Application data: `data` cut into records of PRNG sizes (mostly full 16 KiB, some mid-size, a few tiny). */
  seal(dir, data) {
    const out = [];
    for (let off = 0; off < data.length;) {
      const r = this.rng.float();
      const want = r < 0.5 ? MAX_PLAINTEXT : r < 0.92 ? this.rng.range(512, MAX_PLAINTEXT) : this.rng.range(1, 511);
      const n = Math.min(want, data.length - off);
      out.push(this.app[dir].seal(23, data.subarray(off, off + n)));
      off += n;
      this.records[dir]++;
    }
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }
  closeNotify(dir) {
    this.records[dir]++;
    return this.app[dir].seal(21, Buffer.from([1, 0]));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Streaming pcap writer and TCP connections.

/** Classic pcap (Ethernet, µs), records appended to an 8 MiB staging buffer and written with fs.writeSync. */
class PcapOut {
  constructor(path) {
    this.path = path;
    this.fd = openSync(path, 'w');
    this.buf = Buffer.allocUnsafe(8 << 20);
    this.pos = 0;
    const header = writePcap([], { linkType: LINKTYPE_EN10MB }); // the project's writer: the 24-byte global header
    header.copy(this.buf, 0);
    this.pos = header.length;
    this.bytes = header.length;
    this.frames = 0;
    this.us = 0; // clock of this capture, µs
  }
  packet(frame) {
    if (this.pos + 16 + frame.length > this.buf.length) this.flush();
    const b = this.buf, p = this.pos, sec = Math.floor(this.us / 1e6);
    b.writeUInt32LE(sec, p);
    b.writeUInt32LE(this.us - sec * 1e6, p + 4);
    b.writeUInt32LE(frame.length, p + 8);
    b.writeUInt32LE(frame.length, p + 12);
    frame.copy(b, p + 16);
    this.pos = p + 16 + frame.length;
    this.bytes += 16 + frame.length;
    this.frames++;
    this.us += 2;
  }
  /** The capture's clock is at least `us` (event time); every packet then advances it by 2 µs. */
  at(us) { if (this.us < us) this.us = us; }
  flush() {
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.pos = 0;
  }
  close() { this.flush(); closeSync(this.fd); }
}

/** One TCP connection in one capture; dir 0 = client → server. */
class TcpConn {
  constructor(out, client, server, isn) {
    Object.assign(this, { out, ends: [client, server] });
    this.seq = [isn[0], isn[1]];
    this.ipId = [isn[0] & 0xffff, isn[1] & 0xffff];
  }
  packet(dir, flags, payload) {
    const [s, d] = dir === 0 ? this.ends : [this.ends[1], this.ends[0]];
    this.out.packet(buildTcp({ src: s.ip, dst: d.ip, srcPort: s.port, dstPort: d.port, seq: this.seq[dir] >>> 0,
      ack: flags & SYN && !(flags & ACK) ? 0 : this.seq[1 - dir] >>> 0, flags, window: 65535, payload, ipId: this.ipId[dir]++ & 0xffff }));
  }
  open() {
    this.packet(0, SYN); this.seq[0]++;
    this.packet(1, SYN | ACK); this.seq[1]++;
    this.packet(0, ACK);
  }
  /** Bytes as MSS-sized segments (PSH on the last), then an ACK from the other side. */
  send(dir, buf) {
    for (let off = 0; off < buf.length; off += MSS) {
      const end = Math.min(off + MSS, buf.length);
      this.packet(dir, end === buf.length ? ACK | PSH : ACK, buf.subarray(off, end));
      this.seq[dir] += end - off;
    }
    this.packet(1 - dir, ACK);
  }
  close() {
    this.packet(0, FIN | ACK); this.seq[0]++;
    this.packet(1, FIN | ACK); this.seq[1]++;
    this.packet(0, ACK);
  }
}

// ---------------------------------------------------------------------------------------------------------
// MSRP traffic.

const WORDS = ('hello there how are you doing today the quick brown fox jumps over lazy dog meeting at noon lunch '
  + 'coffee ok see you later please review the document sent attached photo call me back thanks ünïcödé — 😀').split(' ');

function msrpSend(txid, to, from, mid, succ, start, end, total, ctype, body, flag) {
  const h = [`MSRP ${txid} SEND`, `To-Path: ${to}`, `From-Path: ${from}`, `Message-ID: ${mid}`];
  if (succ) h.push('Success-Report: yes');
  h.push(`Byte-Range: ${start}-${end}/${total}`, `Content-Type: ${ctype}`);
  return Buffer.concat([Buffer.from(h.join(CRLF) + CRLF + CRLF), body, Buffer.from(`${CRLF}-------${txid}${flag}${CRLF}`)]);
}
const msrp200 = (txid, to, from) => Buffer.from(`MSRP ${txid} 200 OK${CRLF}To-Path: ${to}${CRLF}From-Path: ${from}${CRLF}-------${txid}$${CRLF}`);
const msrpReport = (txid, to, from, mid, total) => Buffer.from(`MSRP ${txid} REPORT${CRLF}To-Path: ${to}${CRLF}From-Path: ${from}${CRLF}`
  + `Message-ID: ${mid}${CRLF}Byte-Range: 1-${total}/${total}${CRLF}Status: 000 200 OK${CRLF}-------${txid}$${CRLF}`);

/** Generates OUTBASE.{clear.pcap,tls.pcap,keys.txt,truth.json}; returns the truth. */
export function generate({ outBase, targetMb, cipher = 'gcm12', seed = '1', sessions = 300, fileProb = 0.02, log = () => {} }) {
  const suite = SUITES[cipher];
  if (!suite) throw new Error(`unknown cipher ${cipher} (${Object.keys(SUITES).join(', ')})`);
  const rng = new Rng(`msrp:${seed}`); // the MSRP traffic: independent of the cipher
  const trng = new Rng(`tls:${seed}:${cipher}`); // TLS randoms, secrets, record sizes
  // Binary bodies are slices of a deterministic 8 MiB pool (AES-CTR keystream keyed by the seed): fast, incompressible.
  const poolKey = createHash('sha256').update(`pool:${seed}`).digest();
  const pool = createCipheriv('aes-128-ctr', poolKey.subarray(0, 16), poolKey.subarray(16, 32)).update(Buffer.alloc(8 << 20));
  const clear = new PcapOut(`${outBase}.clear.pcap`);
  const tls = new PcapOut(`${outBase}.tls.pcap`);
  const keylog = [];
  const server = { ip: '10.1.0.1', port: MSRP_PORT };
  const conns = [];
  for (let i = 0; i < sessions; i++) {
    const client = { ip: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`, port: 40000 + (i % 20000) };
    const isn = [rng.u32(), rng.u32()];
    const c = {
      curi: `msrp://${client.ip}:${client.port}/c${i}x${rng.alnum(8)};tcp`,
      suri: `msrp://${server.ip}:${server.port}/s${i}y${rng.alnum(8)};tcp`,
      clear: new TcpConn(clear, client, server, isn),
      tcp: new TcpConn(tls, client, server, isn),
      tls: new TlsConn(suite, trng, keylog, `msrp${i % 7}.example.net`),
      bytes: [0, 0],
    };
    conns.push(c);
  }
  const truth = { generator: 'scripts/gen-tls-bench.mjs', seed: String(seed), cipher, suite: { id: `0x${suite.id.toString(16).padStart(4, '0')}`,
    name: suite.name, version: suite.tls13 ? 'TLS 1.3' : 'TLS 1.2' }, connections: sessions, sessions,
  requests: { SEND: 0, REPORT: 0 }, responses: { 200: 0 }, messages: 0, complete_messages: 0, chunked_messages: 0,
  text_messages: 0, binary_messages: 0, message_bytes: 0, msrp_stream_bytes: 0, tls_records: 0, connection0: null, clear: null, tls: null };

  let now = 1_800_000_000 * 1e6; // µs, fixed start
  const emit = (c, dir, data) => {
    clear.at(now); tls.at(now);
    c.clear.send(dir, data);
    c.tcp.send(dir, c.tls.seal(dir, data));
    c.bytes[dir] += data.length;
    truth.msrp_stream_bytes += data.length;
    now += 20;
  };
  // Open every connection (and its TLS handshake) at the start, a few µs apart.
  for (const c of conns) {
    clear.at(now); tls.at(now);
    c.clear.open(); c.tcp.open();
    c.tls.handshake(c.tcp);
    now += 50;
  }
  // Messages on random connections (a few connections are busier) until the clear capture reaches the target.
  const target = targetMb * 1e6;
  let mcount = 0, lastLog = 0;
  while (clear.bytes < target) {
    const c = conns[rng.chance(0.2) ? rng.range(0, Math.min(9, sessions - 1)) : rng.range(0, sessions - 1)];
    const dir = rng.chance(0.6) ? 0 : 1;
    const [to, from] = dir === 0 ? [c.suri, c.curi] : [c.curi, c.suri];
    const mid = `m${(mcount++).toString(36)}${rng.alnum(6)}`;
    const succ = rng.chance(0.2);
    let body, ctype, chunk;
    if (rng.chance(fileProb)) {
      const total = rng.chance(0.3) ? rng.range(300, 4096) : rng.range(4096, 256 * 1024);
      const off = rng.range(0, pool.length - total);
      body = pool.subarray(off, off + total);
      ctype = rng.pick(['image/jpeg', 'application/octet-stream', 'video/mp4']);
      chunk = rng.pick([2048, 4096, 16384, 65536]);
      truth.binary_messages++;
    } else {
      const n = rng.range(3, 90);
      const words = [];
      for (let i = 0; i < n; i++) words.push(WORDS[rng.range(0, WORDS.length - 1)]);
      const txt = words.join(' ');
      if (rng.chance(0.4)) {
        body = Buffer.from(`From: <sip:alice@example.com>${CRLF}To: <sip:bob@example.com>${CRLF}DateTime: 2027-01-15T09:00:00Z${CRLF}${CRLF}`
          + `Content-Type: text/plain;charset=UTF-8${CRLF}${CRLF}${txt}`);
        ctype = 'message/cpim';
      } else {
        body = Buffer.from(txt);
        ctype = 'text/plain;charset=UTF-8';
      }
      chunk = 65536;
      truth.text_messages++;
    }
    const total = body.length;
    const starOnly = rng.chance(0.3); // non-final chunks say "/*" as total
    for (let start = 0; start < total; start += chunk) {
      const end = Math.min(total, start + chunk);
      const last = end === total;
      const txid = rng.alnum(rng.range(8, 20));
      emit(c, dir, msrpSend(txid, to, from, mid, succ, start + 1, end, last || !starOnly ? total : '*', ctype, body.subarray(start, end), last ? '$' : '+'));
      truth.requests.SEND++;
      now += rng.range(50, 400);
      emit(c, 1 - dir, msrp200(txid, from, to));
      truth.responses[200]++;
    }
    truth.messages++;
    truth.complete_messages++;
    if (total > chunk) truth.chunked_messages++;
    truth.message_bytes += total;
    if (succ) {
      emit(c, 1 - dir, msrpReport(rng.alnum(rng.range(8, 20)), from, to, mid, total));
      truth.requests.REPORT++;
    }
    now += rng.range(100, 2000);
    if (clear.bytes - lastLog > 50e6) { lastLog = clear.bytes; log(`  ${(clear.bytes / 1e6).toFixed(0)} MB ...`); }
  }
  for (const c of conns) {
    clear.at(now); tls.at(now);
    c.tcp.send(0, c.tls.closeNotify(0));
    c.tcp.send(1, c.tls.closeNotify(1));
    c.clear.close(); c.tcp.close();
    now += 50;
  }
  clear.close();
  tls.close();
  writeFileSync(`${outBase}.keys.txt`, `${keylog.join('\n')}\n`);
  truth.tls_records = conns.reduce((n, c) => n + c.tls.records[0] + c.tls.records[1], 0);
  truth.connection0 = { client_bytes: conns[0].bytes[0], server_bytes: conns[0].bytes[1] };
  truth.clear = { file: basename(clear.path), file_bytes: clear.bytes, frames: clear.frames };
  truth.tls = { file: basename(tls.path), file_bytes: tls.bytes, frames: tls.frames, keylog: basename(`${outBase}.keys.txt`) };
  // Written last and atomically: its presence marks a complete set (the bench's cache relies on this).
  writeFileSync(`${outBase}.truth.json.tmp`, `${JSON.stringify(truth, null, 1)}\n`);
  renameSync(`${outBase}.truth.json.tmp`, `${outBase}.truth.json`);
  return truth;
}

// ---------------------------------------------------------------------------------------------------------
// --verify: tshark against the truth and against itself.

/**
 * Client and server bytes of each `-z follow,X,raw,N` block, by stream number N. tshark prints the taps in its
 * own order, and its "Node 0" is whichever side sent the first followed byte (for TLS 1.3 the server), so
 * blocks are matched by their Filter line and sides by port: lines of Node 1 start with a tab.
 */
function parseFollow(text) {
  const byStream = new Map();
  for (const b of text.split(/^={20,}$/m)) {
    const m = /Filter: \S+ eq (\d+)/.exec(b);
    if (!m) continue;
    const serverNode = new RegExp(`^Node 0: .*:${MSRP_PORT}$`, 'm').test(b) ? 0 : 1;
    const sides = [[], []]; // client, server
    let data = false;
    for (const line of b.split('\n')) {
      if (/^Node 1: /.test(line)) { data = true; continue; }
      if (!data || line.trim() === '') continue;
      const node = line.startsWith('\t') ? 1 : 0;
      sides[node === serverNode ? 1 : 0].push(Buffer.from(line.trim(), 'hex'));
    }
    byStream.set(Number(m[1]), sides.map((d) => Buffer.concat(d)));
  }
  return byStream;
}

export function verify(outBase, streams, log = console.log) {
  const truth = JSON.parse(readFileSync(`${outBase}.truth.json`, 'utf8'));
  const ids = streams === 'all' ? [...Array(truth.connections).keys()] : streams;
  const tshark = (args) => execFileSync('tshark', args, { encoding: 'latin1', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  let failed = 0, idle = 0, bytes = 0;
  // Several follow taps per tshark run: batches of 50 streams.
  for (let i = 0; i < ids.length; i += 50) {
    const batch = ids.slice(i, i + 50);
    const tcp = parseFollow(tshark(['-r', `${outBase}.clear.pcap`, '-q', ...batch.flatMap((n) => ['-z', `follow,tcp,raw,${n}`])]));
    const dec = parseFollow(tshark(['-r', `${outBase}.tls.pcap`, '-o', `tls.keylog_file:${outBase}.keys.txt`, '-q', ...batch.flatMap((n) => ['-z', `follow,tls,raw,${n}`])]));
    batch.forEach((n) => {
      const a = tcp.get(n), b = dec.get(n);
      const ok = a !== undefined && b !== undefined && a[0].equals(b[0]) && a[1].equals(b[1]);
      const empty = ok && a[0].length + a[1].length === 0; // a connection that carried no message: nothing compared
      if (!ok) failed++;
      if (empty) idle++;
      else bytes += a?.[0].length + a?.[1].length;
      if (!ok || ids.length <= 10) log(`stream ${n}: clear tcp ${a?.[0].length}/${a?.[1].length} bytes, decrypted tls ${b?.[0].length}/${b?.[1].length} bytes (client/server): ${ok ? (empty ? 'both empty' : 'equal') : 'DIFFERENT'}`);
    });
  }
  log(`${ids.length - failed} of ${ids.length} streams: decrypted TLS equals clear TCP (${bytes} MSRP bytes compared; ${idle} streams idle)`);
  // tshark's MSRP dissector on the clear capture: one line per frame, methods / codes comma separated.
  const count = (field) => {
    const n = {};
    for (const line of tshark(['-r', `${outBase}.clear.pcap`, '-d', `tcp.port==${MSRP_PORT},msrp`, '-Y', field, '-T', 'fields', '-e', field]).split('\n')) {
      for (const v of line.split(',')) if (v.trim()) n[v.trim()] = (n[v.trim()] ?? 0) + 1;
    }
    return n;
  };
  const methods = count('msrp.method'), codes = count('msrp.status.code');
  log(`tshark msrp (clear): requests ${JSON.stringify(methods)} responses ${JSON.stringify(codes)}`);
  log(`truth:               requests ${JSON.stringify(truth.requests)} responses ${JSON.stringify(truth.responses)}`);
  return failed === 0;
}

// ---------------------------------------------------------------------------------------------------------

function main(argv) {
  const args = argv.slice(2);
  const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : dflt; };
  const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? (args.splice(i, 1), true) : false; };
  const usage = 'usage: gen-tls-bench.mjs OUTBASE --target-mb N [--cipher gcm12|chacha12|aes13|chacha13] [--seed S] [--sessions N] [--file-prob P]\n'
    + '       gen-tls-bench.mjs --verify OUTBASE [--streams 0,1,2|all]';
  if (flag('--verify')) {
    const streams = opt('--streams', '0,1,2');
    if (args.length !== 1) { console.error(usage); process.exit(2); }
    const ok = verify(args[0], streams === 'all' ? 'all' : streams.split(',').map(Number));
    process.exit(ok ? 0 : 1);
  }
  const targetMb = Number(opt('--target-mb', NaN));
  const cipher = opt('--cipher', 'gcm12');
  const seed = opt('--seed', '1');
  const sessions = Number(opt('--sessions', '300'));
  const fileProb = Number(opt('--file-prob', '0.02'));
  if (args.length !== 1 || !(targetMb > 0) || !(sessions >= 1) || !SUITES[cipher]) { console.error(usage); process.exit(2); }
  const t0 = process.hrtime.bigint();
  const truth = generate({ outBase: args[0], targetMb, cipher, seed, sessions, fileProb, log: (s) => console.error(s) });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${args[0]}.clear.pcap ${(truth.clear.file_bytes / 1e6).toFixed(1)} MB ${truth.clear.frames} frames; `
    + `${args[0]}.tls.pcap ${(truth.tls.file_bytes / 1e6).toFixed(1)} MB ${truth.tls.frames} frames, ${truth.tls_records} records (${truth.suite.name}); `
    + `${truth.messages} messages, requests ${JSON.stringify(truth.requests)}, responses ${JSON.stringify(truth.responses)}; ${s.toFixed(1)} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv);
