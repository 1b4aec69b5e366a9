#!/usr/bin/env node
// Makes the TLS test captures in samples/tls/ from real sockets on loopback, captured by tcpdump:
// MSRP (RFC 4975) over TLS 1.2 and 1.3, with NSS key logs, and a truth file per capture whose counts come
// from tshark's own decryption (follow,tls,raw), not from what the script meant to send.
//
//   npm run samples:tls      (needs root for tcpdump on lo; tcpdump, tshark, editcap and openssl on PATH)
//
// Every run overwrites samples/tls/NAME.pcap, NAME.keys.txt, NAME.truth.json; the keys differ from run to
// run (real handshakes), the message contents and counts do not. Temporary files go to os.tmpdir().
// KEEP_TMP=1 keeps the temporary directory (full captures before cutting, certificates, tshark output).
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'samples', 'tls');
const HOST = '127.0.0.1';
const CRLF = '\r\n';
/** One loopback port per case (outside Linux's ephemeral range 32768-60999); 5061 is SIP over TLS. */
const PORT = {
  keyupdate: 24101,
  ticket: 24102,
  serverKeys: 24103,
  midstart: 24104,
  nokeys: 24105,
  nokeysOther: 24115,
  sipTls: 5061,
  sipMsrp: 24106,
};

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'msrpscope-tls-'));
const log = (...a) => console.log(...a);
/** Child processes still running (tcpdump, s_client): killed if the run hangs. */
const children = new Set();
function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
setTimeout(() => {
  console.error('make-tls-samples: no progress for 3 minutes, giving up');
  for (const c of children) c.kill('SIGTERM');
  if (!process.env.KEEP_TMP) fs.rmSync(TMP, { recursive: true, force: true });
  process.exit(1);
}, 180_000).unref();

// ---------------------------------------------------------------------------------------------------------
// Tools

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

function makeCert() {
  const key = path.join(TMP, 'key.pem');
  const cert = path.join(TMP, 'cert.pem');
  run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-subj', '/CN=msrp.test', '-addext', 'subjectAltName=DNS:msrp.test,IP:127.0.0.1', '-days', '3650',
    '-keyout', key, '-out', cert]);
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

/** tcpdump on lo with a BPF filter; resolves once it is listening. stop() sends SIGINT and waits for exit. */
async function startCapture(file, filter) {
  const p = track(spawn('tcpdump', ['-U', '--immediate-mode', '-n', '-s', '0', '-Z', 'root', '-w', file, '-i', 'lo', filter],
    { stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  await new Promise((resolve, reject) => {
    p.stderr.on('data', (d) => {
      err += d;
      if (/listening on/.test(err)) resolve();
    });
    p.on('exit', (code) => reject(new Error(`tcpdump exited (${code}) before listening: ${err.trim()}`)));
    p.on('error', reject);
  });
  return {
    async stop() {
      await sleep(500); // the last FIN/ACKs (--immediate-mode: no kernel block left unread at SIGINT)
      const exited = once(p, 'exit');
      p.kill('SIGINT');
      await exited;
      if (process.env.DEBUG_TCPDUMP) log(err.trim());
      const m = /(\d+) packets captured/.exec(err);
      return m ? Number(m[1]) : NaN;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// MSRP messages

const uri = (port, sess) => `msrps://${HOST}:${port}/${sess};tcp`;

/** An MSRP request; `body` (Buffer or string) is optional; CRLF line ends. */
function msrpRequest({ txid, method = 'SEND', toPath, fromPath, headers = [], contentType, body, cont = '$' }) {
  const head = [`MSRP ${txid} ${method}`, `To-Path: ${toPath}`, `From-Path: ${fromPath}`, ...headers];
  const end = `-------${txid}${cont}${CRLF}`;
  if (body === undefined) return Buffer.from(head.join(CRLF) + CRLF + end, 'utf8');
  head.push(`Content-Type: ${contentType}`);
  return Buffer.concat([Buffer.from(head.join(CRLF) + CRLF + CRLF, 'utf8'), Buffer.from(body), Buffer.from(CRLF + end)]);
}

function msrpResponse({ txid, code = 200, reason = 'OK', toPath, fromPath }) {
  return Buffer.from(`MSRP ${txid} ${code} ${reason}${CRLF}To-Path: ${toPath}${CRLF}From-Path: ${fromPath}${CRLF}` +
    `-------${txid}$${CRLF}`, 'utf8');
}

/** Deterministic "binary" bytes without CR and LF (s_client -crlf would turn LF into CRLF). */
function binaryBody(n, seed) {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    do {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    } while ((x >>> 24) === 0x0a || (x >>> 24) === 0x0d);
    out[i] = x >>> 24;
  }
  return out;
}

const UTF8_TEXT = 'Grüße aus Köln – “MSRP” über TLS ✓ 你好 👋';

/**
 * The client's SEND requests of one conversation, in order: "hello", a UTF-8 text, and a 3000-byte binary file in
 * three chunks (1-1000/3000 +, 1001-2000/3000 +, 2001-3000/3000 $). `report` asks for a success REPORT on the file.
 */
function conversation({ tag, toPath, fromPath, report = false, extra = [] }) {
  const tx = (i) => `${tag}${i}x7Qz`;
  const mid = (i) => `${tag}-msg-${i}`;
  const file = binaryBody(3000, tag.charCodeAt(0) * 7919 + tag.charCodeAt(1));
  const items = [
    { name: 'hello', txid: tx(1), msgId: mid(1), buf: msrpRequest({ txid: tx(1), toPath, fromPath,
      headers: [`Message-ID: ${mid(1)}`, 'Byte-Range: 1-5/5'], contentType: 'text/plain', body: 'hello' }) },
    { name: 'utf8', txid: tx(2), msgId: mid(2), buf: msrpRequest({ txid: tx(2), toPath, fromPath,
      headers: [`Message-ID: ${mid(2)}`, `Byte-Range: 1-${Buffer.byteLength(UTF8_TEXT)}/${Buffer.byteLength(UTF8_TEXT)}`],
      contentType: 'text/plain;charset=UTF-8', body: UTF8_TEXT }) },
  ];
  for (let c = 0; c < 3; c++) {
    const txid = tx(3 + c);
    const headers = [`Message-ID: ${mid(3)}`];
    if (report) headers.push('Success-Report: yes');
    headers.push(`Byte-Range: ${c * 1000 + 1}-${c * 1000 + 1000}/3000`);
    items.push({ name: `chunk${c + 1}`, txid, msgId: mid(3), buf: msrpRequest({ txid, toPath, fromPath, headers,
      contentType: 'application/octet-stream', body: file.subarray(c * 1000, c * 1000 + 1000), cont: c < 2 ? '+' : '$' }),
      expectReport: report && c === 2 });
  }
  for (const [i, text] of extra.entries()) {
    const n = 6 + i;
    items.push({ name: `text${n}`, txid: tx(n), msgId: mid(n - 2), buf: msrpRequest({ txid: tx(n), toPath, fromPath,
      headers: [`Message-ID: ${mid(n - 2)}`, `Byte-Range: 1-${Buffer.byteLength(text)}/${Buffer.byteLength(text)}`],
      contentType: 'text/plain', body: text }) });
  }
  return items;
}

/** Incremental MSRP reader: calls onMessage({kind, txid, method, code, headers, cont}) per complete message. */
class MsrpReader {
  constructor(onMessage) {
    this.buf = Buffer.alloc(0);
    this.onMessage = onMessage;
  }
  push(data) {
    this.buf = Buffer.concat([this.buf, data]);
    for (;;) {
      const s = this.buf.toString('latin1');
      const m = /^MSRP (\S+) (?:([A-Z]+)|(\d{3})(?: [^\r\n]*)?)\r\n/.exec(s);
      if (!m) return;
      const endRe = new RegExp(`\\r\\n-------${m[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([$+#])\\r\\n`, 'g');
      endRe.lastIndex = m[0].length - 2;
      const e = endRe.exec(s);
      if (!e) return;
      const headerText = s.slice(m[0].length, e.index + 2).split('\r\n\r\n')[0];
      const headers = {};
      for (const line of headerText.split('\r\n')) {
        const c = line.indexOf(':');
        if (c > 0) headers[line.slice(0, c).toLowerCase()] = line.slice(c + 1).trim();
      }
      this.buf = this.buf.subarray(e.index + e[0].length);
      this.onMessage({ kind: m[2] ? 'request' : 'response', txid: m[1], method: m[2], code: m[3] && Number(m[3]),
        headers, cont: e[1] });
    }
  }
}

/**
 * The answering MSRP endpoint on an accepted TLS socket: 200 OK to every SEND; a REPORT (Status 000 200) once a
 * message that asked for Success-Report: yes is complete. `events` gets 'request' callbacks for pacing.
 */
function msrpAnswerer(sock, ownUri, hooks = {}) {
  let reports = 0;
  const reader = new MsrpReader((msg) => {
    if (msg.kind !== 'request') return;
    const peer = (msg.headers['from-path'] ?? '').split(/\s+/)[0];
    if (msg.method === 'SEND' && msg.headers['failure-report'] !== 'no') {
      sock.write(msrpResponse({ txid: msg.txid, toPath: peer, fromPath: ownUri }));
    }
    const br = /^(\d+)-(\d+|\*)\/(\d+|\*)$/.exec(msg.headers['byte-range'] ?? '');
    if (msg.method === 'SEND' && msg.headers['success-report'] === 'yes' && msg.cont === '$' && br && br[2] === br[3]) {
      const txid = `rp${++reports}Zq9`;
      sock.write(msrpRequest({ txid, method: 'REPORT', toPath: peer, fromPath: ownUri,
        headers: [`Message-ID: ${msg.headers['message-id']}`, `Byte-Range: 1-${br[3]}/${br[3]}`, 'Status: 000 200 OK'] }));
    }
    hooks.onRequest?.(msg);
  });
  sock.on('data', (d) => reader.push(d));
  sock.on('end', () => sock.end());
  sock.on('error', () => {});
}

/** Client side over a Node TLS socket: sends each item and waits for its 200 (and the REPORT when expected). */
async function msrpClientSend(sock, items, { gapMs = 40 } = {}) {
  const waiting = new Map();
  const reader = new MsrpReader((msg) => {
    const key = msg.kind === 'response' ? `r:${msg.txid}` : `R:${msg.headers['message-id']}`;
    waiting.get(key)?.();
  });
  sock.on('data', (d) => reader.push(d));
  const wait = (key) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${key}`)), 5000);
    waiting.set(key, () => { clearTimeout(t); resolve(); });
  });
  for (const it of items) {
    const keys = [`r:${it.txid}`, ...(it.expectReport ? [`R:${it.msgId}`] : [])];
    const done = Promise.all(keys.map(wait));
    sock.write(it.buf);
    await done;
    await sleep(gapMs);
  }
}

function tlsServer(port, options, onSocket) {
  const srv = tls.createServer(options, onSocket);
  srv.on('tlsClientError', () => {});
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, HOST, () => resolve(srv));
  });
}

const closeServer = (srv) => new Promise((r) => srv.close(() => r()));

/** tls.connect, collecting NSS key log lines; resolves on secureConnect. */
function tlsConnect(options, keylines, onSession) {
  return new Promise((resolve, reject) => {
    const sock = tls.connect({ host: HOST, servername: 'msrp.test', rejectUnauthorized: false, ...options });
    sock.on('keylog', (line) => keylines?.push(line.toString('latin1')));
    if (onSession) sock.on('session', onSession);
    sock.once('secureConnect', () => resolve(sock));
    sock.once('error', reject);
  });
}

async function endSocket(sock) {
  const closed = once(sock, 'close');
  sock.end();
  await closed;
}

// ---------------------------------------------------------------------------------------------------------
// Verification with tshark's own decryption

/** Decrypted bytes of every TCP stream: [{ stream, a: {host, port}, b: {...}, fromA: Buffer, fromB: Buffer }]. */
function tsharkFollow(pcap, keys) {
  const ids = [...new Set(run('tshark', ['-r', pcap, '-T', 'fields', '-e', 'tcp.stream']).split('\n')
    .map((l) => l.trim()).filter(Boolean).map(Number))].sort((x, y) => x - y);
  const out = [];
  for (const id of ids) {
    const args = ['-r', pcap, '-q', '-z', `follow,tls,raw,${id}`];
    if (keys) args.splice(2, 0, '-o', `tls.keylog_file:${keys}`);
    const text = run('tshark', args);
    const nodes = [...text.matchAll(/^Node (\d): (.+):(\d+)$/gm)].map((m) => ({ host: m[2], port: Number(m[3]) }));
    const parts = [[], []];
    const body = text.split(/^Node 1: .*$/m)[1] ?? '';
    for (const line of body.split('\n')) {
      if (/^=+$/.test(line.trim()) || line.trim() === '') continue;
      const dir = line.startsWith('\t') ? 1 : 0;
      parts[dir].push(Buffer.from(line.trim(), 'hex'));
    }
    out.push({ stream: id, a: nodes[0], b: nodes[1], fromA: Buffer.concat(parts[0]), fromB: Buffer.concat(parts[1]) });
  }
  return out;
}

/** tshark -T fields rows (tab separated) for a display filter, with the key log. */
function tsharkFields(pcap, keys, filter, fields, occurrenceSep, extra = []) {
  const args = ['-r', pcap, ...extra, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
  if (occurrenceSep) args.push('-E', `occurrence=a`, '-E', `aggregator=${occurrenceSep}`);
  if (keys) args.splice(2, 0, '-o', `tls.keylog_file:${keys}`);
  return run('tshark', args).split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t'));
}

/**
 * Second extraction, record by record: the "Decrypted TLS" blocks of `tshark -P -x` (one per decrypted record;
 * TLS 1.3 handshake records too, which hold no start-line). Each block is scanned on its own: in these captures
 * every MSRP/SIP message is written in one TLS record.
 */
function tsharkHexCounts(pcap, keys) {
  const args = ['-r', pcap, '-o', 'gui.column.format:"No.","%m","sport","%Cus:tcp.srcport:0:R","stream","%Cus:tcp.stream:0:R"',
    '-P', '-x'];
  if (keys) args.splice(2, 0, '-o', `tls.keylog_file:${keys}`);
  const blocks = [];
  let cur = null;
  for (const line of run('tshark', args).split('\n')) {
    const hex = /^[0-9a-f]{4}  (.*)$/.exec(line);
    if (hex) {
      if (cur) cur.bytes.push(...hex[1].slice(0, 47).split(' ').filter((x) => x.length === 2).map((x) => parseInt(x, 16)));
      continue;
    }
    const head = /^(.+) \((\d+) bytes\):$/.exec(line);
    if (head) {
      cur = head[1] === 'Decrypted TLS' ? { bytes: [] } : null;
      if (cur) blocks.push(cur);
      continue;
    }
    if (/^\s*\d+ \d+ \d+$/.test(line)) cur = null; // summary line of the next frame
  }
  const msrp = [];
  const sip = [];
  let incomplete = 0;
  for (const b of blocks) {
    const buf = Buffer.from(b.bytes);
    if (/^(?:[A-Z]+ sips?:|SIP\/2\.0 )/.test(buf.toString('latin1', 0, 16))) sip.push(...scanSip(buf));
    else {
      const r = scanMsrp(buf);
      msrp.push(...r.found);
      incomplete += r.incomplete;
    }
  }
  return { records: blocks.length, incomplete, requests: tally(msrp, 'method'), responses: tally(msrp, 'code'),
    ...(sip.length ? { sip: { requests: tally(sip, 'method'), responses: tally(sip, 'code') } } : {}) };
}

/** Counts MSRP start lines (each one closed by its end-line) in decrypted bytes; independent of MsrpReader. */
function scanMsrp(buf) {
  const s = buf.toString('latin1');
  const found = [];
  let incomplete = 0;
  const start = /MSRP ([A-Za-z0-9][A-Za-z0-9.\-+%=]{3,31}) (?:([A-Z]+)|(\d{3})(?: [^\r\n]*)?)\r\n/g;
  let pos = 0;
  while (pos < s.length) {
    start.lastIndex = pos;
    const m = start.exec(s);
    if (!m) break;
    if (m.index > 0 && s.slice(m.index - 2, m.index) !== '\r\n') {
      pos = m.index + 1;
      continue;
    }
    const end = new RegExp(`\\r\\n-------${m[1].replace(/[.+]/g, '\\$&')}([$+#])\\r\\n`, 'g');
    end.lastIndex = m.index + m[0].length - 2;
    const e = end.exec(s);
    if (!e) {
      incomplete++;
      pos = m.index + m[0].length;
      continue;
    }
    const mid = /\r\nMessage-ID: *([^\r\n]+)/i.exec(s.slice(m.index, e.index + 2));
    found.push({ txid: m[1], method: m[2], code: m[3], messageId: mid?.[1] });
    pos = e.index + e[0].length;
  }
  return { found, incomplete };
}

/** Counts SIP start lines in decrypted bytes (headers, then Content-Length bytes of body). */
function scanSip(buf) {
  const s = buf.toString('latin1');
  const found = [];
  let pos = 0;
  while (pos < s.length) {
    const hdrEnd = s.indexOf('\r\n\r\n', pos);
    if (hdrEnd < 0) break;
    const head = s.slice(pos, hdrEnd);
    const first = head.split('\r\n')[0];
    const req = /^([A-Z]+) (sips?:\S+) SIP\/2\.0$/.exec(first);
    const res = /^SIP\/2\.0 (\d{3}) /.exec(first);
    if (req) found.push({ method: req[1] });
    else if (res) found.push({ code: res[1] });
    else break;
    const cl = /\r\n(?:Content-Length|l) *: *(\d+)/i.exec(head);
    pos = hdrEnd + 4 + (cl ? Number(cl[1]) : 0);
  }
  return found;
}

function tally(list, key) {
  const out = {};
  for (const x of list) if (x[key] !== undefined) out[x[key]] = (out[x[key]] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The truth of one capture from tshark's decryption: MSRP requests by method, responses by code, distinct
 * Message-IDs of decrypted SENDs, and per TCP stream the decryption state (`undecrypted` names the state when
 * neither direction decrypts).
 */
function truthFromTshark(pcap, keys, { serverPorts, undecrypted, notes }) {
  const streams = tsharkFollow(pcap, keys);
  const msrp = [];
  const sip = [];
  const connections = [];
  const perStream = [];
  let incomplete = 0;
  for (const st of streams) {
    const aIsServer = serverPorts.includes(st.a?.port) || (st.a?.port === 0 && !serverPorts.includes(st.b?.port));
    const c2s = aIsServer ? st.fromB : st.fromA;
    const s2c = aIsServer ? st.fromA : st.fromB;
    const isSip = /^(?:[A-Z]+ sips?:|SIP\/2\.0 )/.test(c2s.toString('latin1', 0, 16)) ||
      /^SIP\/2\.0 /.test(s2c.toString('latin1', 0, 16));
    const got = { stream: st.stream, c2sBytes: c2s.length, s2cBytes: s2c.length, msrp: [], sip: [] };
    for (const part of [c2s, s2c]) {
      if (isSip) got.sip.push(...scanSip(part));
      else {
        const r = scanMsrp(part);
        got.msrp.push(...r.found);
        incomplete += r.incomplete;
      }
    }
    msrp.push(...got.msrp);
    sip.push(...got.sip);
    const state = c2s.length && s2c.length ? 'decrypted' : c2s.length || s2c.length ? 'partial' : undecrypted;
    connections.push({ decryption: state, note: notes[connections.length] ?? '' });
    perStream.push(got);
  }
  const truth = {
    requests: tally(msrp, 'method'),
    responses: tally(msrp, 'code'),
    messages: new Set(msrp.filter((m) => m.method === 'SEND' && m.messageId).map((m) => m.messageId)).size,
    connections,
  };
  if (sip.length) truth.sip = { requests: tally(sip, 'method'), responses: tally(sip, 'code') };
  return { truth, perStream, incomplete };
}

function check(cond, what) {
  if (!cond) throw new Error(`verification failed: ${what}`);
  log(`  ok: ${what}`);
}

const sameCounts = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function writeCase(name, pcapTmp, keyText, verified, about) {
  const { truth } = verified;
  check(fs.readFileSync(path.join(TMP, `${name}.keys.txt`), 'latin1') === keyText, 'verified key log = shipped key log');
  const hx = tsharkHexCounts(pcapTmp, path.join(TMP, `${name}.keys.txt`));
  log(`  tshark -x, ${hx.records} decrypted records: requests ${JSON.stringify(hx.requests)} responses ${JSON.stringify(hx.responses)}` +
    `${hx.sip ? ` sip ${JSON.stringify(hx.sip)}` : ''}`);
  check(hx.incomplete === 0 && sameCounts([hx.requests, hx.responses, hx.sip], [truth.requests, truth.responses, truth.sip]),
    'record-by-record count (tshark -x "Decrypted TLS") = follow,tls count');
  const ordered = { requests: truth.requests, responses: truth.responses, messages: truth.messages,
    connections: truth.connections, ...(truth.sip ? { sip: truth.sip } : {}), about };
  fs.copyFileSync(pcapTmp, path.join(OUT, `${name}.pcap`));
  fs.writeFileSync(path.join(OUT, `${name}.keys.txt`), keyText);
  fs.writeFileSync(path.join(OUT, `${name}.truth.json`), JSON.stringify(ordered, null, 2) + '\n');
  const size = fs.statSync(path.join(OUT, `${name}.pcap`)).size;
  log(`  wrote ${name}.pcap (${size} bytes), ${name}.keys.txt, ${name}.truth.json`);
  log(`  truth: requests ${JSON.stringify(truth.requests)} responses ${JSON.stringify(truth.responses)} ` +
    `messages ${truth.messages}${truth.sip ? ` sip ${JSON.stringify(truth.sip)}` : ''}`);
  if (size > 200_000) throw new Error(`${name}.pcap is ${size} bytes (limit ~200 KB)`);
}

function expectCounts(v, intended) {
  const got = { requests: v.truth.requests, responses: v.truth.responses, messages: v.truth.messages };
  check(sameCounts(got, intended), `tshark-decrypted counts ${JSON.stringify(got)} = expected ${JSON.stringify(intended)}`);
  check(v.incomplete === 0, 'no MSRP start-line without its end-line in the decrypted bytes');
}

// ---------------------------------------------------------------------------------------------------------
// Cases

/** 1. TLS 1.3, openssl s_client as the client: KeyUpdate requested (both directions) twice, then one client-only. */
async function caseKeyUpdate(cred) {
  const name = 'tls13_keyupdate';
  const port = PORT.keyupdate;
  log(`\n${name}: TLS 1.3, s_client K/k KeyUpdates, port ${port}`);
  const pcap = path.join(TMP, `${name}.pcap`);
  const keys = path.join(TMP, `${name}.keys.txt`);
  fs.rmSync(keys, { force: true });
  const serverUri = uri(port, 'serv3rKU');
  let onRequest = () => {};
  let peerPort;
  let onConnection;
  const connected = new Promise((resolve) => { onConnection = resolve; });
  const server = await tlsServer(port, { ...cred, minVersion: 'TLSv1.3' }, (sock) => {
    peerPort = sock.remotePort;
    msrpAnswerer(sock, serverUri, { onRequest: (m) => onRequest(m) });
    onConnection();
  });
  const cap = await startCapture(pcap, `tcp port ${port}`);
  // Not -quiet / -ign_eof: they turn off the command letters (K, k) and EOF handling.
  const client = track(spawn('openssl', ['s_client', '-connect', `${HOST}:${port}`, '-servername', 'msrp.test', '-tls1_3',
    '-crlf', '-keylogfile', keys], { stdio: ['pipe', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  client.stdout.on('data', (d) => { stdout += d; });
  client.stderr.on('data', (d) => { stderr += d; });
  await connected;
  await sleep(300); // handshake done, tickets read
  const items = conversation({ tag: 'ku', toPath: serverUri, fromPath: uri(peerPort, 'cl1entKU'), report: true,
    extra: ['after a client-only key update'] });
  const lf = (buf) => Buffer.from(buf.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'); // -crlf puts CR back
  const sendItem = async (it) => {
    const got = new Promise((resolve) => { onRequest = (m) => { if (m.txid === it.txid) resolve(); }; });
    client.stdin.write(lf(it.buf));
    await got;
    await sleep(150);
  };
  const keyUpdate = async (letter) => {
    client.stdin.write(`${letter}\n`);
    await sleep(300);
  };
  const plan = ['hello', 'utf8', 'K', 'chunk1', 'chunk2', 'K', 'chunk3', 'k', 'text6'];
  for (const step of plan) {
    if (step === 'K' || step === 'k') await keyUpdate(step);
    else await sendItem(items.find((i) => i.name === step));
  }
  await sleep(300);
  const exited = once(client, 'exit');
  client.stdin.end(); // EOF: s_client says DONE, sends close_notify
  await exited;
  log(`  capture: ${await cap.stop()} packets`);
  await closeServer(server);
  check((stderr.match(/^KEYUPDATE$/gm) ?? []).length === 3, 's_client reported 3 KEYUPDATE commands');
  check(stdout.includes(`-------${items.at(-1).txid}$`), 's_client printed the last 200 OK');

  // OpenSSL 3.0.19's s_client also logs the updated secrets, as CLIENT_TRAFFIC_SECRET_N / SERVER_TRAFFIC_SECRET_N
  // (a literal N). They are dropped: the shipped key log has the generation-0 secrets only, like NSS, BoringSSL
  // and Node key logs, so a decryptor has to derive the next generations itself (RFC 8446 7.2), as tshark does.
  const raw = fs.readFileSync(keys, 'latin1');
  const dropped = raw.split('\n').filter((l) => /^(CLIENT|SERVER)_TRAFFIC_SECRET_N /.test(l)).length;
  const keyText = raw.split('\n').filter((l) => !/^(CLIENT|SERVER)_TRAFFIC_SECRET_N /.test(l)).join('\n');
  fs.writeFileSync(keys, keyText);
  log(`  dropped ${dropped} *_TRAFFIC_SECRET_N lines from s_client's key log`);
  const ku = tsharkFields(pcap, keys, 'tls.handshake.type == 24', ['frame.number', 'tcp.srcport',
    'tls.handshake.key_update.request_update']);
  const seq = ku.map((r) => `${Number(r[1]) === port ? 'S' : 'C'}${r[2]}`).join(' ');
  log(`  tshark KeyUpdates (C/S = client/server, 1 = update_requested): ${seq} in frames ${ku.map((r) => r[0]).join(',')}`);
  check(seq === 'C1 S0 C1 S0 C0', 'tshark decrypts KeyUpdates C(requested) S C(requested) S C(not requested)');
  const lastKu = Math.max(...ku.map((r) => Number(r[0])));
  const after = tsharkFields(pcap, keys, `frame.number > ${lastKu} && tls.app_data`, ['frame.number']);
  const afterDec = run('tshark', ['-r', pcap, '-o', `tls.keylog_file:${keys}`, '-Y', `frame.number > ${lastKu}`, '-x']);
  check(after.length > 0 && afterDec.includes(items.at(-1).txid), 'records after the last KeyUpdate decrypt (last txid visible)');
  const suite = tsharkFields(pcap, keys, 'tls.handshake.type == 2', ['tls.handshake.ciphersuite'])[0]?.[0];
  const v = truthFromTshark(pcap, keys, { serverPorts: [port], undecrypted: 'no-keys',
    notes: [`openssl s_client -> node server, TLS 1.3 ${suiteName(suite)}; KeyUpdate(update_requested) x2 answered by the server, then one KeyUpdate(update_not_requested) from the client; the key log has only the generation-0 secrets`] });
  expectCounts(v, { requests: { REPORT: 1, SEND: 6 }, responses: { 200: 6 }, messages: 4 });
  check(v.truth.connections[0].decryption === 'decrypted', 'both directions decrypted');
  writeCase(name, pcap, keyText, v,
    'TLS 1.3 MSRP session with KeyUpdates in both directions mid-session; every record decrypts once the traffic secrets are updated');
  return v;
}

/** 2. TLS 1.2 session-ticket resumption: two connections, the second resumes the first. */
async function caseTicket(cred) {
  const name = 'tls12_ticket';
  const port = PORT.ticket;
  log(`\n${name}: TLS 1.2 ticket resumption, port ${port}`);
  const pcap = path.join(TMP, `${name}.pcap`);
  const serverUri = uri(port, 'serv3rTK');
  const server = await tlsServer(port, { ...cred, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' },
    (sock) => msrpAnswerer(sock, serverUri));
  const cap = await startCapture(pcap, `tcp port ${port}`);
  const keylines = [];
  let session;
  const c1 = await tlsConnect({ port, maxVersion: 'TLSv1.2' }, keylines, (s) => { session = s; });
  const items1 = conversation({ tag: 'tk', toPath: serverUri, fromPath: uri(c1.localPort, 'cl1entTK') });
  await msrpClientSend(c1, items1.slice(0, 2));
  await endSocket(c1);
  check(session !== undefined, 'first connection got a session ticket');
  await sleep(200);
  const c2 = await tlsConnect({ port, maxVersion: 'TLSv1.2', session }, keylines);
  check(c2.isSessionReused(), 'second connection reports isSessionReused()');
  const items2 = conversation({ tag: 'tk', toPath: serverUri, fromPath: uri(c2.localPort, 'cl1entTK'), report: true });
  await msrpClientSend(c2, items2.slice(2));
  await endSocket(c2);
  await cap.stop();
  await closeServer(server);
  const keyText = keylines.join('');
  const keys = path.join(TMP, `${name}.keys.txt`);
  fs.writeFileSync(keys, keyText);

  const certs = tsharkFields(pcap, keys, 'tls.handshake.type == 11', ['tcp.stream']).map((r) => Number(r[0]));
  const issued = tsharkFields(pcap, keys, 'tls.handshake.type == 4', ['tcp.stream', 'tls.handshake.session_ticket']);
  // ClientHello extensions: types and lengths are parallel lists (35 = session_ticket); the ticket's bytes are among
  // the extension data fields.
  const offered = tsharkFields(pcap, keys, 'tls.handshake.type == 1', ['tcp.stream', 'tls.handshake.extension.type',
    'tls.handshake.extension.len', 'tls.handshake.extension.data'], '|').map(([st, types, lens, datas]) => {
    const len = Number(lens.split('|')[types.split('|').indexOf('35')] ?? -1);
    const ticket = issued[0]?.[1].replace(/:/g, '') ?? 'none';
    return { stream: Number(st), len, hasIssued: datas.replace(/:/g, '').split('|').includes(ticket) };
  });
  log(`  tshark: Certificate in streams [${certs}], NewSessionTicket in streams [${issued.map((r) => r[0])}], ` +
    `ClientHello session_ticket extension length: ${offered.map((o) => `stream ${o.stream}: ${o.len}`).join(', ')}`);
  check(certs.length === 1 && certs[0] === 0, 'only the first handshake has a Certificate (the second is resumed)');
  check(issued.length >= 1 && issued[0][0] === '0' && offered[0].len === 0 && offered[1]?.len > 0 && offered[1].hasIssued,
    'the second ClientHello offers the ticket issued in the first connection');
  const sh = tsharkFields(pcap, keys, 'tls.handshake.type == 2', ['tcp.stream', 'tls.handshake.ciphersuite',
    'tls.handshake.extension.type'], '|');
  const suite = sh[0]?.[1];
  const ems = sh.every((r) => r[2].split('|').includes('23'));
  const lines = keyText.trim().split('\n').map((l) => l.split(' '));
  const randoms = tsharkFields(pcap, keys, 'tls.handshake.type == 1', ['tls.handshake.random']).map((r) => r[0].replace(/:/g, ''));
  check(lines.length === 2 && lines.every((l, i) => l[0] === 'CLIENT_RANDOM' && l[1] === randoms[i]) && lines[0][2] === lines[1][2],
    'key log: one CLIENT_RANDOM line per ClientHello, both with the same master secret');
  const v = truthFromTshark(pcap, keys, { serverPorts: [port], undecrypted: 'no-keys', notes: [
    `full TLS 1.2 handshake, ${suiteName(suite)}${ems ? ', extended master secret' : ''}; the server issues a session ticket`,
    'abbreviated handshake resuming the first session with its ticket (no Certificate); the key log has a CLIENT_RANDOM line for it with the same master secret',
  ] });
  expectCounts(v, { requests: { REPORT: 1, SEND: 5 }, responses: { 200: 5 }, messages: 3 });
  check(v.truth.connections.every((c) => c.decryption === 'decrypted'), 'both connections decrypted');
  writeCase(name, pcap, keyText, v,
    'TLS 1.2 AES-256-GCM: a full handshake, then a second connection resumed with its session ticket; both decrypt');
  return v;
}

/** 3. TLS 1.3 with only the server's secrets in the key log. */
async function caseServerKeysOnly(cred) {
  const name = 'tls13_server_keys_only';
  const port = PORT.serverKeys;
  log(`\n${name}: TLS 1.3, key log with the server's secrets only, port ${port}`);
  const pcap = path.join(TMP, `${name}.pcap`);
  const serverUri = uri(port, 'serv3rSK');
  const serverKeys = [];
  const server = await tlsServer(port, { ...cred, minVersion: 'TLSv1.3' }, (sock) => msrpAnswerer(sock, serverUri));
  server.on('keylog', (line) => serverKeys.push(line.toString('latin1')));
  const cap = await startCapture(pcap, `tcp port ${port}`);
  const c = await tlsConnect({ port, minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' });
  const items = conversation({ tag: 'sk', toPath: serverUri, fromPath: uri(c.localPort, 'cl1entSK') });
  await msrpClientSend(c, items);
  await endSocket(c);
  await cap.stop();
  await closeServer(server);
  const keyText = serverKeys.filter((l) => /^SERVER_(HANDSHAKE_TRAFFIC_SECRET|TRAFFIC_SECRET_0) /.test(l)).join('');
  check(keyText.split('\n').filter(Boolean).length === 2, 'key log holds exactly SERVER_HANDSHAKE_TRAFFIC_SECRET and SERVER_TRAFFIC_SECRET_0');
  const keys = path.join(TMP, `${name}.keys.txt`);
  fs.writeFileSync(keys, keyText);
  const full = path.join(TMP, `${name}.allkeys.txt`);
  fs.writeFileSync(full, serverKeys.join(''));
  const all = truthFromTshark(pcap, full, { serverPorts: [port], undecrypted: 'no-keys', notes: [] });
  log(`  with all server-side secrets (not shipped) tshark decrypts: ${JSON.stringify(all.truth.requests)} ${JSON.stringify(all.truth.responses)}`);
  const v = truthFromTshark(pcap, keys, { serverPorts: [port], undecrypted: 'no-keys', notes: [
    'TLS 1.3 TLS_AES_128_GCM_SHA256; only the server->client direction decrypts (no CLIENT_* secrets): the 200 responses, not the SENDs'] });
  log(`  tshark decrypted bytes: c2s ${v.perStream[0].c2sBytes}, s2c ${v.perStream[0].s2cBytes}`);
  check(v.perStream[0].c2sBytes === 0 && v.perStream[0].s2cBytes > 0, 'only the server->client direction decrypts');
  expectCounts(v, { requests: {}, responses: { 200: 5 }, messages: 0 });
  writeCase(name, pcap, keyText, v,
    'TLS 1.3 session whose key log has only the server secrets: the 200 responses decrypt, the client SENDs stay encrypted');
  return v;
}

/** 4. TLS 1.2 AES-GCM capture cut after the handshake; the full key log still cannot help. */
async function caseMidstart(cred) {
  const name = 'tls12_midstart';
  const port = PORT.midstart;
  log(`\n${name}: TLS 1.2 AES-128-GCM, capture cut after the handshake, port ${port}`);
  const fullPcap = path.join(TMP, `${name}.full.pcap`);
  const pcap = path.join(TMP, `${name}.pcap`);
  const serverUri = uri(port, 'serv3rMS');
  const server = await tlsServer(port, { ...cred, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
    (sock) => msrpAnswerer(sock, serverUri));
  const cap = await startCapture(fullPcap, `tcp port ${port}`);
  const keylines = [];
  const c = await tlsConnect({ port, maxVersion: 'TLSv1.2' }, keylines);
  await sleep(200);
  const items = conversation({ tag: 'ms', toPath: serverUri, fromPath: uri(c.localPort, 'cl1entMS'), report: true });
  await msrpClientSend(c, items, { gapMs: 80 });
  await endSocket(c);
  await cap.stop();
  await closeServer(server);
  const keyText = keylines.join('');
  const keys = path.join(TMP, `${name}.keys.txt`);
  fs.writeFileSync(keys, keyText);
  const fullV = truthFromTshark(fullPcap, keys, { serverPorts: [port], undecrypted: 'no-keys', notes: [] });
  log(`  full capture (not shipped) with the same key log: ${JSON.stringify(fullV.truth.requests)} ${JSON.stringify(fullV.truth.responses)}`);
  check(fullV.truth.requests.SEND === 5, 'the key log decrypts the uncut capture');
  // First frame with application data; everything before it (TCP handshake, TLS handshake) is cut.
  const firstApp = Number(tsharkFields(fullPcap, null, 'tls.record.content_type == 23', ['frame.number'])[0][0]);
  const total = Number(run('capinfos', ['-c', '-M', fullPcap]).match(/Number of packets:\s*(\d+)/)[1]);
  run('editcap', ['-F', 'pcap', '-r', fullPcap, pcap, `${firstApp}-${total}`]);
  const cr = tsharkFields(fullPcap, null, 'tls.handshake.type == 1', ['tls.handshake.random'])[0][0].replace(/:/g, '');
  check(keyText.includes(`CLIENT_RANDOM ${cr} `), 'the key log has the CLIENT_RANDOM line of this connection');
  const records = tsharkFields(pcap, null, 'tls.record', ['tls.record.content_type'], ',', ['-d', `tcp.port==${port},tls`]);
  const types = new Set(records.flatMap((r) => r[0].split(',')));
  log(`  cut capture decoded as TLS: ${records.length} frames with records, content types {${[...types]}}`);
  check(records.length > 0 && [...types].every((t) => t === '23' || t === '21'), 'the cut capture holds only application-data (and alert) records');
  const hs = tsharkFields(pcap, keys, 'tls.handshake || tcp.flags.syn == 1', ['frame.number']);
  check(hs.length === 0, `cut capture (frames ${firstApp}-${total} of the original) has no SYN and no handshake record`);
  const v = truthFromTshark(pcap, keys, { serverPorts: [port], undecrypted: 'no-handshake', notes: [
    'TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 seen from its first application-data record: the key log has the CLIENT_RANDOM line, but the client random (ClientHello) is not in the capture'] });
  log(`  tshark decrypted bytes: c2s ${v.perStream[0].c2sBytes}, s2c ${v.perStream[0].s2cBytes}`);
  expectCounts(v, { requests: {}, responses: {}, messages: 0 });
  writeCase(name, pcap, keyText, v,
    'TLS 1.2 AES-GCM capture that starts after the handshake: the full key log is given but nothing can be decrypted');
  return v;
}

/** 5. TLS 1.3 session with a key log of another connection. */
async function caseNoKeys(cred) {
  const name = 'tls13_nokeys';
  const port = PORT.nokeys;
  const other = PORT.nokeysOther;
  log(`\n${name}: TLS 1.3 on port ${port}, key log of a connection on port ${other}`);
  const pcap = path.join(TMP, `${name}.pcap`);
  const otherPcap = path.join(TMP, `${name}.other.pcap`);
  const serverUri = uri(port, 'serv3rNK');
  const s1 = await tlsServer(port, { ...cred, minVersion: 'TLSv1.3' }, (sock) => msrpAnswerer(sock, serverUri));
  const s2 = await tlsServer(other, { ...cred, minVersion: 'TLSv1.3' }, (sock) => msrpAnswerer(sock, uri(other, 'serv3rNK')));
  const cap = await startCapture(pcap, `tcp port ${port}`);
  const capOther = await startCapture(otherPcap, `tcp port ${other}`);
  const shipped = [];
  const c1 = await tlsConnect({ port, minVersion: 'TLSv1.3' }, []);
  await msrpClientSend(c1, conversation({ tag: 'nk', toPath: serverUri, fromPath: uri(c1.localPort, 'cl1entNK') }).slice(0, 2));
  await endSocket(c1);
  const c2 = await tlsConnect({ port: other, minVersion: 'TLSv1.3' }, shipped);
  await msrpClientSend(c2, conversation({ tag: 'nk', toPath: uri(other, 'serv3rNK'), fromPath: uri(c2.localPort, 'cl1entNK') }).slice(0, 2));
  await endSocket(c2);
  await cap.stop();
  await capOther.stop();
  await closeServer(s1);
  await closeServer(s2);
  const keyText = shipped.join('');
  const keys = path.join(TMP, `${name}.keys.txt`);
  fs.writeFileSync(keys, keyText);
  const cr = tsharkFields(pcap, null, 'tls.handshake.type == 1', ['tls.handshake.random'])[0][0].replace(/:/g, '');
  check(!keyText.includes(cr) && /CLIENT_TRAFFIC_SECRET_0 /.test(keyText), 'the key log is a TLS 1.3 key log without this connection\'s client random');
  const otherV = truthFromTshark(otherPcap, keys, { serverPorts: [other], undecrypted: 'no-keys', notes: [] });
  check(otherV.truth.requests.SEND === 2, 'the shipped key log decrypts the other connection (not shipped): it is a valid key log');
  const v = truthFromTshark(pcap, keys, { serverPorts: [port], undecrypted: 'no-keys', notes: [
    'TLS 1.3; the key log holds the secrets of a different connection (another client random), none for this one'] });
  log(`  tshark decrypted bytes: c2s ${v.perStream[0].c2sBytes}, s2c ${v.perStream[0].s2cBytes}`);
  expectCounts(v, { requests: {}, responses: {}, messages: 0 });
  writeCase(name, pcap, keyText, v, 'TLS 1.3 MSRP session with a key log of a different connection: nothing decrypts');
  return v;
}

/** 6. SIP over TLS (5061) sets up an MSRP session; the MSRP connection is TLS 1.3 to the answerer's path port. */
async function caseSip(cred) {
  const name = 'sip_tls_msrps';
  const sipPort = PORT.sipTls;
  const msrpPort = PORT.sipMsrp;
  log(`\n${name}: SIP over TLS on ${sipPort}, MSRP over TLS on ${msrpPort}`);
  const pcap = path.join(TMP, `${name}.pcap`);
  const bobUri = uri(msrpPort, 'b0bS3ss');
  // The caller's own path port: the local port its MSRP connection will use (a free port picked now).
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, HOST, r));
  const alicePort = probe.address().port;
  await closeServer(probe);
  const aliceUri = uri(alicePort, 'al1ceS3ss');
  const callId = 'f81d4fae7dec11d0a765@127.0.0.1';

  const sdp = (user, port, p) => [
    'v=0', `o=${user} 2890844526 2890844527 IN IP4 ${HOST}`, 's=-', `c=IN IP4 ${HOST}`, 't=0 0',
    `m=message ${port} TCP/TLS/MSRP *`, 'a=accept-types:text/plain', `a=path:${p}`, ''].join(CRLF);
  const sipMsg = (first, headers, body = '') => Buffer.from([first, ...headers,
    ...(body ? ['Content-Type: application/sdp'] : []), `Content-Length: ${Buffer.byteLength(body)}`, '', body].join(CRLF));

  let sipServerSock;
  const sipServer = await tlsServer(sipPort, { ...cred, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
    (sock) => {
      sipServerSock = sock;
      let buf = '';
      sock.setEncoding('latin1');
      sock.on('error', () => {});
      sock.on('end', () => sock.end());
      sock.on('data', (d) => {
        buf += d;
        for (;;) {
          const he = buf.indexOf('\r\n\r\n');
          if (he < 0) return;
          const head = buf.slice(0, he);
          const len = Number(/\r\nContent-Length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (buf.length < he + 4 + len) return;
          buf = buf.slice(he + 4 + len);
          const method = head.split(' ')[0];
          const copy = head.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/.test(l))
            .map((l) => (l.startsWith('To:') && !/tag=/.test(l) ? `${l};tag=8321234356` : l));
          const contact = `Contact: <sips:bob@${HOST}:${sipPort};transport=tls>`;
          if (method === 'INVITE') {
            sock.write(sipMsg('SIP/2.0 100 Trying', copy.map((l) => l.replace(/;tag=8321234356$/, ''))));
            setTimeout(() => sock.write(sipMsg('SIP/2.0 200 OK', [...copy, contact], sdp('bob', msrpPort, bobUri))), 50);
          } else if (method === 'BYE') {
            sock.write(sipMsg('SIP/2.0 200 OK', copy));
          }
        }
      });
    });
  const msrpServer = await tlsServer(msrpPort, { ...cred, minVersion: 'TLSv1.3' }, (sock) => msrpAnswerer(sock, bobUri));
  const cap = await startCapture(pcap, `tcp port ${sipPort} or tcp port ${msrpPort}`);
  const keylines = [];

  const sip = await tlsConnect({ port: sipPort, maxVersion: 'TLSv1.2', servername: 'sip.test' }, keylines);
  sip.setEncoding('latin1');
  let sipIn = '';
  const sipWait = (re) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout waiting for SIP ${re}`)), 5000);
    const look = () => {
      const m = re.exec(sipIn);
      if (!m) return;
      sipIn = sipIn.slice(m.index + m[0].length);
      clearTimeout(t);
      sip.off('data', onData);
      resolve(m);
    };
    const onData = (d) => { sipIn += d; look(); };
    sip.on('data', onData);
    look();
  });
  const lp = sip.localPort;
  const common = (cseq, method, branch, toTag) => [
    `Via: SIP/2.0/TLS ${HOST}:${lp};branch=z9hG4bK${branch}`, 'Max-Forwards: 70',
    `From: "Alice" <sips:alice@${HOST}>;tag=1928301774`, `To: <sips:bob@${HOST}>${toTag ? ';tag=8321234356' : ''}`,
    `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`];
  const ruri = `sips:bob@${HOST}:${sipPort};transport=tls`;
  sip.write(sipMsg(`INVITE ${ruri} SIP/2.0`, [...common(1, 'INVITE', '776asdhds', false),
    `Contact: <sips:alice@${HOST}:${lp};transport=tls>`], sdp('alice', alicePort, aliceUri)));
  await sipWait(/SIP\/2\.0 200 OK[\s\S]*?\r\n\r\n[\s\S]*?a=path:[^\r]*\r\n/);
  sip.write(sipMsg(`ACK sips:bob@${HOST}:${sipPort};transport=tls SIP/2.0`, common(1, 'ACK', '776asdhdt', true)));
  await sleep(100);

  const m = await tlsConnect({ port: msrpPort, localPort: alicePort, minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' }, keylines);
  const items = conversation({ tag: 'sp', toPath: bobUri, fromPath: aliceUri }).slice(0, 2);
  await msrpClientSend(m, items);
  await endSocket(m);
  await sleep(100);

  sip.write(sipMsg(`BYE sips:bob@${HOST}:${sipPort};transport=tls SIP/2.0`, common(2, 'BYE', '776asdhdu', true)));
  await sipWait(/SIP\/2\.0 200 OK[^]*?CSeq: 2 BYE/);
  await endSocket(sip);
  await cap.stop();
  sipServerSock?.destroy();
  await closeServer(sipServer);
  await closeServer(msrpServer);
  const keyText = keylines.join('');
  const keys = path.join(TMP, `${name}.keys.txt`);
  fs.writeFileSync(keys, keyText);

  const sipRows = tsharkFields(pcap, keys, 'sip', ['tcp.stream', 'sip.Method', 'sip.Status-Code']);
  const sipReq = tally(sipRows.filter((r) => r[1] && !r[2]).map((r) => ({ m: r[1] })), 'm');
  const sipRes = tally(sipRows.filter((r) => r[2]).map((r) => ({ c: r[2] })), 'c');
  log(`  tshark SIP dissector (over decrypted TLS): requests ${JSON.stringify(sipReq)} responses ${JSON.stringify(sipRes)}`);
  const sdpPath = tsharkFields(pcap, keys, 'sdp', ['sdp.media', 'sdp.media_attr']);
  log(`  tshark SDP: ${sdpPath.map((r) => r.join(' | ')).join(' ;; ')}`);
  check(sdpPath.length === 2 && sdpPath.every((r) => /TCP\/TLS\/MSRP/.test(r[0])), 'tshark sees both SDP bodies with m=message ... TCP/TLS/MSRP');
  const suites = tsharkFields(pcap, keys, 'tls.handshake.type == 2', ['tcp.stream', 'tls.handshake.ciphersuite']);
  const v = truthFromTshark(pcap, keys, { serverPorts: [sipPort, msrpPort], undecrypted: 'no-keys', notes: [
    `SIP over TLS 1.2 (${suiteName(suites[0]?.[1])}) on port ${sipPort}: INVITE (SDP offer), 100, 200 (SDP answer with a=path ${bobUri}), ACK, later BYE and 200`,
    `MSRP over TLS 1.3 (${suiteName(suites[1]?.[1])}) from ${HOST}:${alicePort} to the answer's path port ${msrpPort}`,
  ] });
  check(sameCounts(v.truth.sip, { requests: sipReq, responses: sipRes }), 'SIP start-line scan of the decrypted bytes = tshark SIP dissector counts');
  check(sameCounts(v.truth.sip, { requests: { ACK: 1, BYE: 1, INVITE: 1 }, responses: { 100: 1, 200: 2 } }), 'SIP counts as sent');
  expectCounts(v, { requests: { SEND: 2 }, responses: { 200: 2 }, messages: 2 });
  check(v.truth.connections.every((c) => c.decryption === 'decrypted'), 'both connections decrypted');
  writeCase(name, pcap, keyText, v,
    'SIP over TLS on 5061 negotiates an msrps: session (TCP/TLS/MSRP); the MSRP connection over TLS 1.3 follows; all keys logged');
  return v;
}

const SUITES = { '0x1301': 'TLS_AES_128_GCM_SHA256', '0x1302': 'TLS_AES_256_GCM_SHA384', '0x1303': 'TLS_CHACHA20_POLY1305_SHA256',
  '0xc02b': 'ECDHE-ECDSA-AES128-GCM-SHA256', '0xc02c': 'ECDHE-ECDSA-AES256-GCM-SHA384' };
const suiteName = (hex) => SUITES[hex] ?? hex ?? '?';

// ---------------------------------------------------------------------------------------------------------

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const cred = makeCert();
  const only = process.argv.slice(2);
  const cases = { keyupdate: caseKeyUpdate, ticket: caseTicket, serverkeys: caseServerKeysOnly, midstart: caseMidstart,
    nokeys: caseNoKeys, sip: caseSip };
  for (const [k, fn] of Object.entries(cases)) {
    if (only.length && !only.includes(k)) continue;
    await fn(cred);
  }
  log(`\ndone: ${OUT}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    if (process.env.KEEP_TMP) log(`temporary files kept in ${TMP}`);
    else fs.rmSync(TMP, { recursive: true, force: true });
  });
