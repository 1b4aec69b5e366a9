/**
 * The project's own TLS samples (samples/tls, see its README.md): each NAME.pcap with NAME.keys.txt through the
 * pipeline must give NAME.truth.json — MSRP requests by method, responses by code, distinct Message-IDs, and the
 * decryption state of each TCP connection in capture order — plus the case-specific facts (KeyUpdates, keys of one
 * side only, a capture without the handshake, a key log of another connection, SIP over TLS linked to MSRP over TLS).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { analyze, diagCount, entries, HAVE_TSHARK, readJson, SAMPLES_TLS, tlsConns, tsharkMsrp } from './tls-decrypt-helpers.js';

interface SampleTruth {
  requests: Record<string, number>;
  responses: Record<string, number>;
  messages: number;
  connections: { decryption: string; note: string }[];
  sip?: { requests: Record<string, number>; responses: Record<string, number> };
}

const NAMES = ['tls13_keyupdate', 'tls12_ticket', 'tls13_server_keys_only', 'tls12_midstart', 'tls13_nokeys', 'sip_tls_msrps'];
const HAVE_SAMPLES = NAMES.every((n) => existsSync(path.join(SAMPLES_TLS, `${n}.pcap`)));

const file = (n: string): string => path.join(SAMPLES_TLS, `${n}.pcap`);
const keys = (n: string): string => path.join(SAMPLES_TLS, `${n}.keys.txt`);
const truthOf = (n: string): SampleTruth => readJson<SampleTruth>(path.join(SAMPLES_TLS, `${n}.truth.json`));

const cache = new Map<string, Promise<JsonDocument>>();
function run(n: string): Promise<JsonDocument> {
  let p = cache.get(n);
  if (p === undefined) {
    p = analyze(file(n), [keys(n)]).then((a) => a.doc);
    cache.set(n, p);
  }
  return p;
}

/**
 * Decrypted messages pinned as [Message-ID, size, sha256]: from tshark's decryption of the sample
 * (`tshark -r NAME.pcap -o tls.keylog_file:NAME.keys.txt -q -z follow,tls,raw,N`, scanned by scanMsrp/messagesOf
 * of tls-decrypt-helpers.ts), re-derived by the tshark test below when tshark is installed. The bodies are the
 * README's: `hello`, a 58-byte UTF-8 text, 3000 binary bytes, and (keyupdate) a 30-byte text after the updates.
 */
const PINNED: Record<string, [string, number, string][]> = {
  tls13_keyupdate: [
    ['ku-msg-1', 5, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
    ['ku-msg-2', 58, '7f42aa8a5c3c7302d6f31fc476bb1f885771ed77139e8f92881ed48ff36fd670'],
    ['ku-msg-3', 3000, '8c5ea917bd22fe106ffe029d2af4593d00eb6e43694c66c5215610355e3aac9e'],
    ['ku-msg-4', 30, '4863291c96ed8f55a989bb024436501331f2b8505171606615bad1e1a475afb4'],
  ],
  tls12_ticket: [
    ['tk-msg-1', 5, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
    ['tk-msg-2', 58, '7f42aa8a5c3c7302d6f31fc476bb1f885771ed77139e8f92881ed48ff36fd670'],
    ['tk-msg-3', 3000, '353d6178f5340aa9186ed35c4a61f59433bd0357614209c58aacc40610ab7bab'],
  ],
  tls13_server_keys_only: [],
  tls12_midstart: [],
  tls13_nokeys: [],
  sip_tls_msrps: [
    ['sp-msg-1', 5, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
    ['sp-msg-2', 58, '7f42aa8a5c3c7302d6f31fc476bb1f885771ed77139e8f92881ed48ff36fd670'],
  ],
};

function messages(doc: JsonDocument): [string, number, string][] {
  return doc.messages.map((m) => [m.messageId, m.size ?? -1, m.sha256 ?? ''] as [string, number, string]).sort((a, b) => a[0].localeCompare(b[0]));
}

describe.skipIf(!HAVE_SAMPLES)('samples/tls: every truth.json holds', () => {
  it.each(NAMES)('%s: requests, responses, messages, and each connection’s decryption state', async (n) => {
    const t = truthOf(n);
    const doc = await run(n);
    expect(entries(doc.summary.requests)).toEqual(entries(t.requests));
    expect(entries(doc.summary.responses)).toEqual(entries(t.responses));
    expect(doc.summary.messages.total).toBe(t.messages);
    expect(messages(doc)).toEqual([...PINNED[n]!].sort((a, b) => a[0].localeCompare(b[0])));
    expect(doc.connections.map((c) => c.tls?.decryption.state)).toEqual(t.connections.map((c) => c.decryption));
    expect(doc.summary.connections.tls).toBe(t.connections.length);
    // Nothing broke: no failed records, gaps or unreadable key log lines in any sample.
    for (const code of ['tls-decrypt-failed', 'tls-gap', 'tls-bad-record', 'tls-truncated-record', 'keylog-bad-line']) expect(diagCount(doc, code), code).toBe(0);
    expect(diagCount(doc, 'tls-decrypted')).toBe(t.connections.filter((c) => c.decryption === 'decrypted').length);
  });

  it('tls13_keyupdate: KeyUpdates in both directions are followed (3 from the client, 2 from the server) and every record decrypts', async () => {
    const doc = await run('tls13_keyupdate');
    const c = doc.connections[0]!;
    const d = c.tls!.decryption;
    expect(c.label).toBe('MSRP over TLS (decrypted)');
    expect(c.tls!.version).toBe('TLS 1.3');
    expect(c.tls!.cipher).toBe('TLS_AES_256_GCM_SHA384');
    // s_client sent K, K, k (README); the server answered each K with its own (tshark: tls.handshake.type == 24).
    expect(d.dirs.map((x) => x.keyUpdates)).toEqual([3, 2]);
    expect(d.dirs.map((x) => [x.state, x.reason])).toEqual([['decrypted', null], ['decrypted', null]]);
    expect(c.tls!.handshakeMessages.filter((m) => m === 'key_update')).toHaveLength(5);
    // The message sent after the last update (generation 3 client keys) is there, answered by a 200 sent with generation 2.
    const last = doc.messages.find((m) => m.messageId === 'ku-msg-4')!;
    expect(last.state).toBe('complete');
    expect(last.delivery.code).toBe(200);
    // The key log holds generation 0 only: the updated secrets were derived, not read.
    expect(readFileSync(keys('tls13_keyupdate'), 'latin1')).not.toMatch(/TRAFFIC_SECRET_[1-9N]/);
  });

  it('tls12_ticket: the full handshake and the resumed one (no Certificate) both decrypt with their CLIENT_RANDOM lines', async () => {
    const doc = await run('tls12_ticket');
    const [a, b] = doc.connections;
    expect(a!.tls!.handshakeMessages).toContain('certificate');
    expect(a!.tls!.handshakeMessages).toContain('new_session_ticket');
    expect(a!.tls!.certSubject).toBe('CN=msrp.test');
    expect(b!.tls!.handshakeMessages).not.toContain('certificate');
    expect(b!.tls!.certSubject).toBeNull();
    for (const c of [a!, b!]) {
      expect(c.tls!.decryption.dirs.map((x) => x.state)).toEqual(['decrypted', 'decrypted']);
      expect(c.label).toBe('MSRP over TLS (decrypted)');
    }
    expect(a!.tls!.clientRandom).not.toBe(b!.tls!.clientRandom);
  });

  it('tls13_server_keys_only: partial; client->server "no-keys", server->client decrypted; the 200s count, the SENDs do not', async () => {
    const doc = await run('tls13_server_keys_only');
    const c = doc.connections[0]!;
    const d = c.tls!.decryption;
    expect(d.state).toBe('partial');
    expect(d.reason).toBe('client->server: no client secrets for this client random');
    expect(d.dirs[0]).toMatchObject({ state: 'no-keys', reason: 'no client secrets for this client random', records: 0, applicationBytes: 0 });
    expect(d.dirs[1]).toMatchObject({ state: 'decrypted', reason: null });
    expect(d.dirs[1].records).toBeGreaterThan(0);
    expect(d.records).toBe(d.dirs[1].records);
    expect(c.label).toBe('MSRP over TLS (partly decrypted)');
    // Secrets exist for this client random (the server's): no tls-no-keys, one tls-encrypted note instead.
    expect(diagCount(doc, 'tls-no-keys')).toBe(0);
    expect(diagCount(doc, 'tls-encrypted')).toBe(1);
    expect(diagCount(doc, 'response-without-request')).toBe(5);
    // TLS 1.3 hides the certificate; the server's decrypted flight shows it.
    expect(c.tls!.certSubject).toBe('CN=msrp.test');
  });

  it('tls12_midstart: no ClientHello, so no client random to look up: "no-handshake", tls-midstream, no tls-no-keys', async () => {
    const doc = await run('tls12_midstart');
    const c = doc.connections[0]!;
    const d = c.tls!.decryption;
    expect(c.sawSyn).toBe(false);
    expect(c.tls!.clientRandom).toBeNull();
    expect(c.tls!.midStream).toBe(true);
    expect(d).toMatchObject({ state: 'no-handshake', reason: 'handshake not in the capture', records: 0, bytes: 0 });
    expect(d.dirs.map((x) => x.state)).toEqual(['no-handshake', 'no-handshake']);
    expect(c.label).toBe('TLS (encrypted)');
    expect(diagCount(doc, 'tls-midstream')).toBe(1);
    expect(diagCount(doc, 'tls-no-keys')).toBe(0);
    expect(diagCount(doc, 'tls-encrypted')).toBe(1);
    // The key log does have this connection's line: the only thing missing is the handshake.
    expect(readFileSync(keys('tls12_midstart'), 'latin1')).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/m);
  });

  it('tls13_nokeys: "no-keys" and one tls-no-keys naming the client random the key log lacks', async () => {
    const doc = await run('tls13_nokeys');
    const c = doc.connections[0]!;
    const d = c.tls!.decryption;
    expect(d).toMatchObject({ state: 'no-keys', reason: 'no keys for this client random', records: 0 });
    expect(d.dirs.map((x) => [x.state, x.reason])).toEqual([
      ['no-keys', 'no keys for this client random'],
      ['no-keys', 'no keys for this client random'],
    ]);
    const diag = doc.diagnostics.filter((x) => x.code === 'tls-no-keys');
    expect(diag).toHaveLength(1);
    const cr = c.tls!.clientRandom!;
    expect(cr).toMatch(/^[0-9a-f]{64}$/);
    expect(diag[0]!.detail).toBe(`the key log has no secrets for client random ${cr}`);
    expect(diag[0]!.connection).toBe(0);
    const logged = readFileSync(keys('tls13_nokeys'), 'latin1');
    expect(logged).toMatch(/CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} /);
    expect(logged).not.toContain(cr);
    expect(c.label).toBe('MSRP over TLS (encrypted)');
    expect(doc.summary.messages.total).toBe(0);
  });

  it('sip_tls_msrps: the SIP dialog is read from the decrypted SIP over TLS and the MSRP session is linked to it', async () => {
    const doc = await run('sip_tls_msrps');
    const t = truthOf('sip_tls_msrps');
    expect(doc.summary.sipDialogs).toBe(1);
    expect(doc.sip).toHaveLength(1);
    const dialog = doc.sip[0]!;
    expect(entries(dialog.requests)).toEqual(entries(t.sip!.requests));
    expect(entries(dialog.responses)).toEqual(entries(t.sip!.responses));
    expect(dialog.state).toBe('terminated');
    expect(dialog.terminatedBy).toBe('BYE');
    // The answer's SDP (decrypted) names the MSRP path the second TLS connection goes to.
    expect(dialog.answer?.msrp[0]?.path).toEqual(['msrps://127.0.0.1:24106/b0bS3ss;tcp']);
    const [sipConn, msrpConn] = doc.connections;
    expect(sipConn!.server.port).toBe(5061);
    expect(sipConn!.tls!.version).toBe('TLS 1.2');
    expect(msrpConn!.server.port).toBe(24106);
    expect(msrpConn!.tls!.version).toBe('TLS 1.3');
    expect(msrpConn!.label).toBe('MSRP over TLS (decrypted)');
    expect(doc.sessions).toHaveLength(1);
    const session = doc.sessions[0]!;
    expect(session.sip).toEqual({ dialog: dialog.id, callId: dialog.callId });
    expect(dialog.sessions).toEqual([session.id]);
    expect(session.connections).toEqual([msrpConn!.id]);
  });

  it('sip_tls_msrps without the key log: no SIP dialog, no MSRP, nothing linked', async () => {
    const { doc } = await analyze(file('sip_tls_msrps'));
    expect(doc.summary.sipDialogs).toBe(0);
    expect(doc.sessions).toHaveLength(0);
    expect(doc.summary.requests).toEqual({});
    expect(tlsConns(doc).map((c) => c.tls!.decryption.state)).toEqual(['no-keylog', 'no-keylog']);
  });

  it('decrypting reveals the TLS 1.3 certificate that the clear handshake hides', async () => {
    const withKeys = await run('tls13_keyupdate');
    const without = (await analyze(file('tls13_keyupdate'))).doc;
    expect(without.connections[0]!.tls!.certSubject).toBeNull();
    expect(withKeys.connections[0]!.tls!.certSubject).toBe('CN=msrp.test');
  });
});

describe.skipIf(!HAVE_SAMPLES || !HAVE_TSHARK)('samples/tls against tshark (tshark installed)', () => {
  it.each(NAMES)('%s: truth and pins = tshark’s decryption', (n) => {
    const t = truthOf(n);
    const o = tsharkMsrp(file(n), keys(n));
    expect(entries(o.scan.requests)).toEqual(entries(t.requests));
    expect(entries(o.scan.responses)).toEqual(entries(t.responses));
    expect(o.messages.map((m) => [m.messageId, m.size, m.sha256])).toEqual([...PINNED[n]!].sort((a, b) => a[0].localeCompare(b[0])));
  });

  it('tls13_keyupdate: tshark sees 3 KeyUpdates from the client and 2 from the server', () => {
    const out = execFileSync(
      'tshark',
      ['-r', file('tls13_keyupdate'), '-o', `tls.keylog_file:${keys('tls13_keyupdate')}`, '-Y', 'tls.handshake.type == 24', '-T', 'fields', '-e', 'tcp.dstport'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const ports = out.split('\n').filter((l) => l !== '');
    expect(ports.filter((p) => p === '24101')).toHaveLength(3);
    expect(ports.filter((p) => p !== '24101')).toHaveLength(2);
  });
});
