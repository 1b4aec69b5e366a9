/**
 * Byte-level mutators: bit flips, byte insertions and deletions, truncation, duplicated ranges, random byte
 * errors like `editcap -E`, numbers in text replaced by boundary values, and dictionary tokens of the
 * protocols spliced in. Every mutator returns a new buffer and leaves its input alone.
 */
import type { Rng } from './rng.js';

/** Tokens that steer a mutated stream into the parsers' interesting states. */
export const DICTIONARY: readonly string[] = [
  'MSRP ', ' SEND\r\n', ' REPORT\r\n', ' AUTH\r\n', ' 200 OK\r\n', '-------', '$\r\n', '+\r\n', '#\r\n', '\r\n', '\n',
  '\r\n\r\n', 'To-Path: ', 'From-Path: ', 'Message-ID: ', 'Byte-Range: ', 'Content-Type: ', 'Success-Report: yes\r\n',
  'Failure-Report: partial\r\n', 'Status: 000 200 OK\r\n', 'msrp://', 'msrps://', ';tcp', ';ws', '[::1]', ':2855/',
  'Content-Disposition: attachment; filename="', 'Use-Path: ', 'WWW-Authenticate: Digest realm="', 'Expires: ',
  'INVITE sip:', 'SIP/2.0', 'SIP/2.0 200 OK\r\n', 'Call-ID: ', 'CSeq: 1 INVITE\r\n', 'Via: SIP/2.0/TCP ', 'Content-Length: ',
  'v=0\r\n', 'm=message 2855 TCP/MSRP *\r\n', 'a=path:', 'a=file-selector:', 'a=setup:', 'c=IN IP4 ', 'c=IN IP6 ',
  'From: ', 'To: ', 'NS: imdn <urn:ietf:params:imdn>\r\n', 'imdn.Message-ID: ', 'DateTime: ', 'message/cpim',
  'GET / HTTP/1.1\r\n', 'Upgrade: websocket\r\n', 'Connection: Upgrade\r\n', 'Sec-WebSocket-Key: ', 'HTTP/1.1 101 ',
  'Sec-WebSocket-Protocol: msrp\r\n', '__proto__', 'constructor', 'prototype', '\x1b[31m', '\x1b]0;x\x07', '\u202e', '\u0085',
  '\x00', '\xff', '%00', '..', '/', '"',
];

/** Boundary values for numbers written as text. */
const TEXT_NUMBERS: readonly string[] = [
  '0', '1', '-1', '9', '10', '255', '256', '65535', '65536', '2147483647', '2147483648', '4294967295', '4294967296',
  '9007199254740991', '9007199254740993', '99999999999999999999', '1e9', '0x10', '007', '',
];

/** Boundary values for binary length fields. */
export const INTERESTING_32: readonly number[] = [
  0, 1, 2, 3, 4, 7, 8, 11, 12, 15, 16, 20, 27, 28, 31, 32, 64, 127, 128, 255, 256, 1500, 65535, 65536, 262144, 262145,
  0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 16 * 1024 * 1024, 16 * 1024 * 1024 + 4,
];

export const INTERESTING_16: readonly number[] = [0, 1, 2, 4, 8, 19, 20, 21, 40, 60, 64, 126, 127, 255, 256, 1500, 32767, 32768, 65534, 65535];

/** Flips `count` random bits. */
export function flipBits(buf: Buffer, rng: Rng, count: number): Buffer {
  const out = Buffer.from(buf);
  if (out.length === 0) return out;
  for (let i = 0; i < count; i++) {
    const p = rng.int(out.length);
    out[p] = out[p]! ^ (1 << rng.int(8));
  }
  return out;
}

/** Overwrites `count` random bytes with random or interesting values. */
export function setBytes(buf: Buffer, rng: Rng, count: number): Buffer {
  const out = Buffer.from(buf);
  if (out.length === 0) return out;
  const special = [0x00, 0xff, 0x7f, 0x80, 0x0a, 0x0d, 0x20, 0x2d, 0x24, 0x2b, 0x23, 0x3a, 0x1b, 0x9b];
  for (let i = 0; i < count; i++) out[rng.int(out.length)] = rng.chance(0.5) ? rng.pick(special) : rng.int(256);
  return out;
}

/** Inserts `piece` at `at`. */
export function insertAt(buf: Buffer, at: number, piece: Buffer): Buffer {
  const p = Math.max(0, Math.min(at, buf.length));
  return Buffer.concat([buf.subarray(0, p), piece, buf.subarray(p)]);
}

/** Inserts random bytes or a dictionary token at a random position. */
export function insertBytes(buf: Buffer, rng: Rng): Buffer {
  const piece = rng.chance(0.5) ? Buffer.from(rng.pick(DICTIONARY), 'latin1') : rng.bytes(rng.smallLength(64));
  return insertAt(buf, rng.int(buf.length + 1), piece);
}

/** Deletes a random range (mostly short). */
export function deleteBytes(buf: Buffer, rng: Rng): Buffer {
  if (buf.length === 0) return Buffer.from(buf);
  const at = rng.int(buf.length);
  const n = Math.min(buf.length - at, 1 + rng.smallLength(256));
  return Buffer.concat([buf.subarray(0, at), buf.subarray(at + n)]);
}

/** Cuts the buffer at a random position. */
export function truncate(buf: Buffer, rng: Rng): Buffer {
  return Buffer.from(buf.subarray(0, rng.int(buf.length + 1)));
}

/** Copies a random range to a random position (repeats, like a retransmission inside a stream). */
export function duplicateRange(buf: Buffer, rng: Rng): Buffer {
  if (buf.length === 0) return Buffer.from(buf);
  const at = rng.int(buf.length);
  const n = Math.min(buf.length - at, 1 + rng.smallLength(512));
  return insertAt(buf, rng.int(buf.length + 1), Buffer.from(buf.subarray(at, at + n)));
}

/**
 * Like `editcap -E prob`: every byte from `from` on is replaced by a random one with probability `prob`.
 * Positions are drawn with geometric skips, so the cost follows the number of errors, not the length.
 */
export function randomErrors(buf: Buffer, rng: Rng, prob: number, from = 0): Buffer {
  const out = Buffer.from(buf);
  if (prob <= 0) return out;
  const logq = Math.log(1 - Math.min(prob, 0.999999));
  let p = from - 1;
  for (;;) {
    const u = (rng.u32() + 1) / 4294967297;
    p += 1 + Math.floor(Math.log(u) / logq);
    if (p >= out.length) break;
    out[p] = rng.int(256);
  }
  return out;
}

/** Writes a boundary value into a random 16- or 32-bit field (either byte order). */
export function corruptWord(buf: Buffer, rng: Rng): Buffer {
  const out = Buffer.from(buf);
  if (out.length < 4) return setBytes(out, rng, 1);
  const wide = rng.chance(0.5);
  const at = rng.int(out.length - (wide ? 3 : 1));
  const le = rng.chance(0.5);
  if (wide) {
    const v = rng.pick(INTERESTING_32);
    if (le) out.writeUInt32LE(v >>> 0, at);
    else out.writeUInt32BE(v >>> 0, at);
  } else {
    const v = rng.pick(INTERESTING_16);
    if (le) out.writeUInt16LE(v, at);
    else out.writeUInt16BE(v, at);
  }
  return out;
}

/** Replaces one run of ASCII digits (a length, a range, a port, a status) by a boundary number. */
export function mutateNumber(buf: Buffer, rng: Rng): Buffer {
  if (buf.length === 0) return Buffer.from(buf);
  const start = rng.int(buf.length);
  let p = start;
  // Find the next digit from a random start (wrapping once), with indexOf-free scanning bounded by the length.
  for (let n = 0; n < buf.length; n++, p = (p + 1) % buf.length) {
    const c = buf[p]!;
    if (c >= 0x30 && c <= 0x39) break;
  }
  const c0 = buf[p]!;
  if (c0 < 0x30 || c0 > 0x39) return insertBytes(buf, rng);
  let e = p;
  while (e < buf.length && buf[e]! >= 0x30 && buf[e]! <= 0x39) e++;
  let s = p;
  while (s > 0 && buf[s - 1]! >= 0x30 && buf[s - 1]! <= 0x39) s--;
  const repl = Buffer.from(rng.pick(TEXT_NUMBERS), 'latin1');
  return Buffer.concat([buf.subarray(0, s), repl, buf.subarray(e)]);
}

/** Splices the head of `a` with the tail of `b` (crossover of two seeds). */
export function splice(a: Buffer, b: Buffer, rng: Rng): Buffer {
  return Buffer.concat([a.subarray(0, rng.int(a.length + 1)), b.subarray(rng.int(b.length + 1))]);
}

export type Mutator = (buf: Buffer, rng: Rng) => Buffer;

/** The generic mutators, each applied with its own intensity. */
export const MUTATORS: ReadonlyArray<{ name: string; fn: Mutator }> = [
  { name: 'bitflip', fn: (b, r) => flipBits(b, r, 1 + r.smallLength(16)) },
  { name: 'setbytes', fn: (b, r) => setBytes(b, r, 1 + r.smallLength(16)) },
  { name: 'insert', fn: insertBytes },
  { name: 'delete', fn: deleteBytes },
  { name: 'truncate', fn: truncate },
  { name: 'duplicate', fn: duplicateRange },
  { name: 'errors', fn: (b, r) => randomErrors(b, r, r.pick([0.0005, 0.002, 0.01, 0.05])) },
  { name: 'word', fn: corruptWord },
  { name: 'number', fn: mutateNumber },
];

/** Applies 1..maxRounds random mutators in sequence. */
export function mutate(buf: Buffer, rng: Rng, maxRounds = 4): Buffer {
  let out = buf;
  const rounds = 1 + rng.int(maxRounds);
  for (let i = 0; i < rounds; i++) out = rng.pick(MUTATORS).fn(out, rng);
  return out === buf ? Buffer.from(buf) : out;
}

/** Cuts `buf` into pieces at random points (some empty, some single bytes), for split-independence runs. */
export function randomSplit(buf: Buffer, rng: Rng): Buffer[] {
  const out: Buffer[] = [];
  let p = 0;
  const style = rng.int(4);
  while (p < buf.length) {
    let n: number;
    if (style === 0) n = 1 + rng.int(4);
    else if (style === 1) n = 1 + rng.int(64);
    else if (style === 2) n = 1 + rng.int(1500);
    else n = rng.chance(0.1) ? 0 : 1 + rng.int(Math.max(1, buf.length - p));
    out.push(buf.subarray(p, p + n));
    p += n;
  }
  return out;
}
