/**
 * TLS decryption end to end (capture → pipeline with --keylog → JSON document) on the shared corpus:
 * ../shared/corpus/tls/* (OpenSSL 3 sessions with their NSS key logs) and the corpus captures with TLS legs
 * (relay_tls_mixed, relay_tls_all, sip_msrps), against
 * - CAPTURE.tls-truth.json: MSRP counts tshark 4.0 decrypts (plus, where CAPTURE.truth.md exists, its independent
 *   count of the clear legs, added as ../shared/tools/tls-check.py does);
 * - the Message-IDs, sizes and sha256 of the decrypted messages, pinned below and re-derived from tshark's own
 *   decryption when tshark is installed (tls-decrypt-helpers.ts: tsharkMsrp, with a scanner that shares no code
 *   with src/).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { readTruth } from '../helpers/truth.js';
import {
  add,
  analyze,
  CORPUS,
  diagCount,
  entries,
  HAVE_CORPUS_TLS_LEGS,
  HAVE_TLS_CORPUS,
  HAVE_TSHARK,
  readJson,
  scanMsrp,
  TLS_CORPUS,
  tlsConns,
  tmpFile,
  tsharkMsrp,
  type OracleMessage,
  type TlsTruth,
} from './tls-decrypt-helpers.js';

/**
 * Decrypted messages of each capture: [Message-ID, size, sha256 of the whole body]. Obtained once with
 * `tshark -r F -o tls.keylog_file:F.keys.txt -q -z follow,tls,raw,N` for every stream N (tshark 4.0.17; the DSB
 * pcapng without -o), hex → bytes per direction, WebSocket de-framed (wss13), then scanMsrp + messagesOf of
 * tls-decrypt-helpers.ts: SEND bodies placed by their Byte-Range, hashed whole. The test 'pins = tshark' below
 * re-derives them whenever tshark is installed.
 */
const PINNED: Record<string, [string, number, string][]> = {
  'tls12_cbc_etm.pcap': [
    ['djRiV9bAZ8nXoo', 16, '384f79e113d909ad85a3f3038c2fd78660203b95f63f735f58ee8ab899550a9b'],
    ['mNHr28U1KB9Tqb', 21, 'ef57cd832192fac678ea756dedc9ce8fde53eeb232266e6fd62286d2af64ecfd'],
    ['XKL1IoVociast8', 20000, 'd4d26f2040a158b4b9f7971e368908dd184441d5358275133cf21260c1dea50c'],
  ],
  'tls12_cbc_noetm.pcap': [
    ['cNLxjMrsG0lkGV', 16, '384f79e113d909ad85a3f3038c2fd78660203b95f63f735f58ee8ab899550a9b'],
    ['OPN1yEcG1agQw7', 20000, '64bf3b3bda536443eb3f67861b5b1426592ede7e773acafc8855554687794eed'],
    ['SpIbf95hhqeOdC', 21, 'ef57cd832192fac678ea756dedc9ce8fde53eeb232266e6fd62286d2af64ecfd'],
  ],
  'tls12_chacha.pcap': [
    ['bcQ11Ay6W3XY0I', 21, 'ef57cd832192fac678ea756dedc9ce8fde53eeb232266e6fd62286d2af64ecfd'],
    ['KOhBHLQ83WtKQi', 16, '384f79e113d909ad85a3f3038c2fd78660203b95f63f735f58ee8ab899550a9b'],
    ['PwI6jZ142sNW20', 20000, 'fcef3efe20798b5441dffd463492c93dd047d9746e340ac8918f024bad6b7a04'],
  ],
  'tls12_gcm.pcap': [
    ['6hwlGrjHNkaXXE', 21, 'ef57cd832192fac678ea756dedc9ce8fde53eeb232266e6fd62286d2af64ecfd'],
    ['bZNcI9MPEmMLWP', 16, '384f79e113d909ad85a3f3038c2fd78660203b95f63f735f58ee8ab899550a9b'],
    ['jXm9et0zdalWiO', 20000, 'f31d7287b11e91d3e5290ab3a9dc1661fff3cefe6d9abd9ba72385937acea0d7'],
  ],
  'tls12_resume.pcap': [
    ['3uL99DBGevWGrJ', 20000, 'f79563f3691605c5832645f70efe5a7631659e950d013d840a81d5c624f1aa33'],
    ['9s3oiFnu154lz3', 16, '1406031a05da6419dcba15698a9f1c031442e61697f6a804cb622787258d0f24'],
    ['a0dwt5cwZYYvXs', 16, '384f79e113d909ad85a3f3038c2fd78660203b95f63f735f58ee8ab899550a9b'],
    ['A4PRLwE0bSD0pz', 20000, 'f9d519bfc7272a8d5690300d9173ff2c2cfc7094d757ee19b39dfe5a943fd4c5'],
    ['c19aBivzKpjAas', 21, 'ef57cd832192fac678ea756dedc9ce8fde53eeb232266e6fd62286d2af64ecfd'],
    ['cnPhXX9X9xesYS', 21, 'ef57cd832192fac678ea756dedc9ce8fde53eeb232266e6fd62286d2af64ecfd'],
  ],
  'tls13_aes128.pcap': [
    ['d8zekKCXcV5pPb', 20000, '447ad1ac429740bbd82ffc872a0df7186549019ff5d97fcdf78d9c024c2bf7d7'],
    ['veN0uVqSWAdclG', 21, 'ef57cd832192fac678ea756dedc9ce8fde53eeb232266e6fd62286d2af64ecfd'],
    ['X2nDTLRb7wbWws', 16, '384f79e113d909ad85a3f3038c2fd78660203b95f63f735f58ee8ab899550a9b'],
  ],
  'tls13_chacha.pcap': [
    ['BfHv8kBbTBtYI4', 20000, '80b96689eabce96cb854e807b658a544457e64fbfda6c2360f76a558db8a02b7'],
    ['BG14Rpf6ijxpvp', 16, '384f79e113d909ad85a3f3038c2fd78660203b95f63f735f58ee8ab899550a9b'],
    ['Uf5JrYi9uen7pV', 21, 'ef57cd832192fac678ea756dedc9ce8fde53eeb232266e6fd62286d2af64ecfd'],
  ],
  'wss13.pcap': [
    ['6RwnMpVJDEPqzh', 21, 'ef57cd832192fac678ea756dedc9ce8fde53eeb232266e6fd62286d2af64ecfd'],
    ['fryYBVc5ZnoOZe', 20000, '32fbfd96d65a68fd0287dd2b4359cc990965d718bc96b8eb4361e309fb805816'],
    ['OPDsAVAO6jc7FK', 16, '384f79e113d909ad85a3f3038c2fd78660203b95f63f735f58ee8ab899550a9b'],
  ],
  'tls12_gcm_dsb.pcapng': [
    ['6hwlGrjHNkaXXE', 21, 'ef57cd832192fac678ea756dedc9ce8fde53eeb232266e6fd62286d2af64ecfd'],
    ['bZNcI9MPEmMLWP', 16, '384f79e113d909ad85a3f3038c2fd78660203b95f63f735f58ee8ab899550a9b'],
    ['jXm9et0zdalWiO', 20000, 'f31d7287b11e91d3e5290ab3a9dc1661fff3cefe6d9abd9ba72385937acea0d7'],
  ],
  'relay_tls_mixed.pcap': [
    ['h7JAMrMNghh8NF', 40, 'e279b361bc6c107a4708b5e4afd7da0f2b0958b8c5b1d74ca0e461975291eb4e'],
    ['NCJdtRP0EmTmn0', 61, '2cf220a8367cec3032c6b87d303d36c12013ce47ff6c8ed8ed55436587c1f658'],
    ['QtCKbi6W9654Vq', 4, 'd34d6c96699842747ef3031a69bbfb7c92cdabf8e91170b1864d692582347498'],
  ],
  'relay_tls_all.pcap': [
    ['aEUFprz8eU73bx', 4, 'd34d6c96699842747ef3031a69bbfb7c92cdabf8e91170b1864d692582347498'],
    ['AVoE9nZ5NAPlhj', 40, 'e279b361bc6c107a4708b5e4afd7da0f2b0958b8c5b1d74ca0e461975291eb4e'],
    ['Po94xQYHdr0wo6', 61, '2cf220a8367cec3032c6b87d303d36c12013ce47ff6c8ed8ed55436587c1f658'],
  ],
  'sip_msrps.pcap': [
    ['F0oALBy3EZIOjd', 24, '27212d418e9bb6261c14d4c720c7664330045bdca281e8a313ac1e308ca6047e'],
    ['gHONktEk6eBseU', 42, 'a425f5150f600146d5a73da1482ed3024af107f76ed79529a6971b81d5229b78'],
    ['NlcXDqWiags4JV', 10, '7ed3b52e4816f7e34701c82d2c8075ae0ee169b72fe80fa9c6d6803c3ed0df09'],
    ['OQeLjWMsAzFg6M', 137, 'b97c1910829b609409b6e9bf86ef040eb542221c4009071038d08bc001b07ea4'],
  ],
};

interface Case {
  name: string;
  file: string;
  /** undefined: the keys are in the capture (pcapng Decryption Secrets Block). */
  keylog: string | undefined;
  /** TLS connections the key log decrypts completely. */
  decrypted: number;
  label: string;
}

const TLS_CASES: Case[] = [
  ...['tls12_cbc_etm.pcap', 'tls12_cbc_noetm.pcap', 'tls12_chacha.pcap', 'tls12_gcm.pcap', 'tls13_aes128.pcap', 'tls13_chacha.pcap'].map((name) => ({
    name,
    file: path.join(TLS_CORPUS, name),
    keylog: path.join(TLS_CORPUS, `${name}.keys.txt`),
    decrypted: 1,
    label: 'MSRP over TLS (decrypted)',
  })),
  { name: 'tls12_resume.pcap', file: path.join(TLS_CORPUS, 'tls12_resume.pcap'), keylog: path.join(TLS_CORPUS, 'tls12_resume.pcap.keys.txt'), decrypted: 2, label: 'MSRP over TLS (decrypted)' },
  { name: 'wss13.pcap', file: path.join(TLS_CORPUS, 'wss13.pcap'), keylog: path.join(TLS_CORPUS, 'wss13.pcap.keys.txt'), decrypted: 1, label: 'MSRP over secure WebSocket (decrypted)' },
  { name: 'tls12_gcm_dsb.pcapng', file: path.join(TLS_CORPUS, 'tls12_gcm_dsb.pcapng'), keylog: undefined, decrypted: 1, label: 'MSRP over TLS (decrypted)' },
];

/** Kamailio's own TLS leg cannot be decrypted (no key log from it): relay_tls_mixed has it with a handshake, relay_tls_all without. */
const LEG_CASES: Case[] = [
  { name: 'relay_tls_mixed.pcap', file: path.join(CORPUS, 'relay_tls_mixed.pcap'), keylog: path.join(CORPUS, 'relay_tls_mixed.pcap.keys.txt'), decrypted: 1, label: 'MSRP over TLS (decrypted)' },
  { name: 'relay_tls_all.pcap', file: path.join(CORPUS, 'relay_tls_all.pcap'), keylog: path.join(CORPUS, 'relay_tls_all.pcap.keys.txt'), decrypted: 2, label: 'MSRP over TLS (decrypted)' },
  { name: 'sip_msrps.pcap', file: path.join(CORPUS, 'sip_msrps.pcap'), keylog: path.join(CORPUS, 'sip_msrps.pcap.keys.txt'), decrypted: 1, label: 'MSRP over TLS (decrypted)' },
];

function pinned(name: string): OracleMessage[] {
  return PINNED[name]!.map(([messageId, size, sha256]) => ({ messageId, size, sha256 })).sort((a, b) => a.messageId.localeCompare(b.messageId));
}

function docMessages(doc: JsonDocument): OracleMessage[] {
  return doc.messages
    .map((m) => ({ messageId: m.messageId, size: m.size ?? -1, sha256: m.sha256 ?? '' }))
    .sort((a, b) => a.messageId.localeCompare(b.messageId));
}

/** Client randoms (hex, lower case) a key log has secrets for. */
function keyedRandoms(keylog: string): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(keylog, 'latin1').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 3 && /^(CLIENT_RANDOM|CLIENT_TRAFFIC_SECRET_0)$/.test(f[0]!)) out.add(f[1]!.toLowerCase());
  }
  return out;
}

const SILENT = ['tls-decrypt-failed', 'tls-gap', 'tls-bad-record', 'tls-truncated-record', 'tls-cipher-unsupported', 'keylog-bad-line'];

async function checkCase(c: Case, truth: TlsTruth, clear: { requests: Map<string, number>; responses: Map<string, number>; ids: string[] }): Promise<JsonDocument> {
  const { doc } = await analyze(c.file, c.keylog === undefined ? [] : [c.keylog]);
  const s = doc.summary;
  // Counts: what tshark decrypts, plus the clear legs.
  expect(entries(s.requests)).toEqual(entries(add(truth.requests, clear.requests)));
  expect(entries(s.responses)).toEqual(entries(add(truth.responses, clear.responses)));
  expect(s.truncated.requests).toEqual({});
  expect(s.truncated.responses).toEqual({});
  // Messages: Message-ID, size and sha256 of each decrypted message; clear-only ones (none here) would add.
  const want = pinned(c.name);
  expect(want).toHaveLength(truth.messages);
  expect(docMessages(doc)).toEqual(want);
  expect(new Set([...want.map((m) => m.messageId), ...clear.ids]).size).toBe(s.messages.total);
  expect(s.messages.complete).toBe(s.messages.total);
  for (const m of doc.messages) expect(m.state).toBe('complete');

  // Decryption state of every TLS connection: fully keyed → decrypted both ways; else why not.
  const keyed = c.keylog === undefined ? undefined : keyedRandoms(c.keylog);
  const tls = tlsConns(doc);
  let decrypted = 0;
  for (const conn of tls) {
    const t = conn.tls!;
    const d = t.decryption;
    const haveKeys = t.clientRandom !== null && (keyed === undefined || keyed.has(t.clientRandom));
    if (haveKeys) {
      decrypted++;
      expect(d.state, `connection ${conn.id}`).toBe('decrypted');
      expect(d.reason).toBeNull();
      expect(conn.label).toBe(c.label);
      expect(conn.transport).toBe('tls');
      for (const dir of d.dirs) {
        expect(dir.state).toBe('decrypted');
        expect(dir.reason).toBeNull();
        expect(dir.records).toBeGreaterThan(2);
        expect(dir.applicationBytes).toBeGreaterThan(0);
        expect(dir.keyUpdates).toBe(0);
      }
      expect(d.records).toBe(d.dirs[0].records + d.dirs[1].records);
      expect(d.bytes).toBe(d.dirs[0].bytes + d.dirs[1].bytes);
    } else {
      expect(d.state, `connection ${conn.id}`).toBe(t.clientRandom === null ? 'no-handshake' : 'no-keys');
      expect(d.records).toBe(0);
      expect(conn.label).toBe('MSRP over TLS (encrypted)');
    }
  }
  expect(decrypted).toBe(c.decrypted);
  expect(diagCount(doc, 'tls-decrypted')).toBe(c.decrypted);
  expect(diagCount(doc, 'tls-no-keys')).toBe(tls.filter((x) => x.tls!.decryption.state === 'no-keys').length);
  for (const code of SILENT) expect(diagCount(doc, code), code).toBe(0);
  expect(s.connections.tls).toBe(tls.length);
  return doc;
}

describe.skipIf(!HAVE_TLS_CORPUS)('decryption of ../shared/corpus/tls through the pipeline', () => {
  it.each(TLS_CASES.map((c) => [c.name, c] as const))('%s: tshark’s counts, Message-IDs, sizes, sha256; every connection decrypted', async (_n, c) => {
    const truth = readJson<TlsTruth>(`${c.file}.tls-truth.json`);
    const doc = await checkCase(c, truth, { requests: new Map(), responses: new Map(), ids: [] });
    expect(doc.connections).toHaveLength(truth.tls_streams!);
    expect(doc.summary.connections.msrp).toBe(truth.tls_streams);
    expect(doc.summary.sessions).toBeGreaterThanOrEqual(1);
  });

  it('tls12_gcm_dsb.pcapng without --keylog gives the same document as tls12_gcm.pcap with it (capture facts aside)', async () => {
    const dsb = (await analyze(path.join(TLS_CORPUS, 'tls12_gcm_dsb.pcapng'))).doc;
    const plain = (await analyze(path.join(TLS_CORPUS, 'tls12_gcm.pcap'), [path.join(TLS_CORPUS, 'tls12_gcm.pcap.keys.txt')])).doc;
    expect(dsb.capture.format).toBe('pcapng');
    expect(plain.capture.format).toBe('pcap');
    expect(dsb.capture.packets).toBe(plain.capture.packets);
    const strip = (d: JsonDocument): Omit<JsonDocument, 'capture' | 'tool'> => {
      const { capture: _c, tool: _t, ...rest } = d;
      return rest;
    };
    expect(strip(dsb)).toEqual(strip(plain));
    expect(dsb.connections[0]!.tls!.decryption.state).toBe('decrypted');
  });

  it('tls12_gcm_dsb.pcapng with the same keys also given by --keylog: nothing reported twice', async () => {
    const { doc } = await analyze(path.join(TLS_CORPUS, 'tls12_gcm_dsb.pcapng'), [path.join(TLS_CORPUS, 'tls12_gcm.pcap.keys.txt')]);
    expect(diagCount(doc, 'keylog-bad-line')).toBe(0);
    expect(doc.connections[0]!.tls!.decryption.state).toBe('decrypted');
    expect(entries(doc.summary.requests)).toEqual([['REPORT', 1], ['SEND', 7]]);
  });

  it.each(['tls13_aes128.pcap', 'tls13_chacha.pcap', 'wss13.pcap'])(
    '%s with only the *_TRAFFIC_SECRET_0 lines: every application record still decrypts (found by trial), the handshake stays hidden',
    async (name) => {
      const file = path.join(TLS_CORPUS, name);
      const all = readFileSync(`${file}.keys.txt`, 'latin1');
      const k = tmpFile('app-only.keys', all.split('\n').filter((l) => !l.includes('HANDSHAKE')).join('\n'));
      const full = (await analyze(file, [`${file}.keys.txt`])).doc;
      const { doc } = await analyze(file, [k]);
      expect(entries(doc.summary.requests)).toEqual(entries(full.summary.requests));
      expect(entries(doc.summary.responses)).toEqual(entries(full.summary.responses));
      expect(docMessages(doc)).toEqual(pinned(name));
      const d = doc.connections[0]!.tls!.decryption;
      const f = full.connections[0]!.tls!.decryption;
      for (const i of [0, 1] as const) {
        expect(d.dirs[i].applicationBytes).toBe(f.dirs[i].applicationBytes);
        // The handshake-phase records (client Finished; server EncryptedExtensions ... Finished) are not opened.
        expect(d.dirs[i].records).toBeLessThan(f.dirs[i].records);
        expect(d.dirs[i].state).toBe('decrypted');
      }
      expect(d.state).toBe('decrypted');
      // TLS 1.3 sends the certificate encrypted: with the handshake secrets it is read, without them not.
      expect(full.connections[0]!.tls!.certSubject).not.toBeNull();
      expect(doc.connections[0]!.tls!.certSubject).toBeNull();
      expect(diagCount(doc, 'tls-decrypt-failed')).toBe(0);
    },
  );

  it('without a key log nothing is decrypted and nothing MSRP is counted', async () => {
    const { doc } = await analyze(path.join(TLS_CORPUS, 'tls13_aes128.pcap'));
    expect(doc.summary.requests).toEqual({});
    expect(doc.summary.responses).toEqual({});
    expect(doc.summary.messages.total).toBe(0);
    const d = doc.connections[0]!.tls!.decryption;
    expect(d.state).toBe('no-keylog');
    expect(d.reason).toBe('no key log given');
    expect(d.dirs.map((x) => x.state)).toEqual(['no-keylog', 'no-keylog']);
    expect(doc.connections[0]!.label).toMatch(/\(encrypted\)$/);
    expect(diagCount(doc, 'tls-encrypted')).toBe(1);
    expect(diagCount(doc, 'tls-decrypted')).toBe(0);
  });
});

describe.skipIf(!HAVE_CORPUS_TLS_LEGS)('decryption of the corpus captures with TLS legs (relay_tls_mixed, relay_tls_all, sip_msrps)', () => {
  it.each(LEG_CASES.map((c) => [c.name, c] as const))('%s: decrypted legs + clear legs = the truth; undecryptable legs say why', async (_n, c) => {
    const truth = readJson<TlsTruth>(`${c.file}.tls-truth.json`);
    const md = existsSync(`${c.file}.truth.md`) ? readTruth(c.file) : undefined;
    const clear = { requests: md?.requests ?? new Map<string, number>(), responses: md?.responses ?? new Map<string, number>(), ids: md?.messages.map((m) => m.id) ?? [] };
    const doc = await checkCase(c, truth, clear);
    expect(doc.connections).toHaveLength(md?.connections ?? doc.connections.length);
  });

  it('relay_tls_mixed: the Kamailio leg (no key logged) is "no-keys" with one tls-no-keys naming its client random', async () => {
    const file = path.join(CORPUS, 'relay_tls_mixed.pcap');
    const { doc } = await analyze(file, [`${file}.keys.txt`]);
    const enc = tlsConns(doc).filter((c) => c.tls!.decryption.state !== 'decrypted');
    expect(enc).toHaveLength(1);
    const t = enc[0]!.tls!;
    expect(t.decryption.reason).toBe('no keys for this client random');
    expect(t.decryption.dirs.map((d) => [d.state, d.records])).toEqual([['no-keys', 0], ['no-keys', 0]]);
    const diag = doc.diagnostics.filter((d) => d.code === 'tls-no-keys');
    expect(diag).toHaveLength(1);
    expect(diag[0]!.connection).toBe(enc[0]!.id);
    expect(diag[0]!.detail).toContain(t.clientRandom!);
    expect(readFileSync(`${file}.keys.txt`, 'latin1')).not.toContain(t.clientRandom!);
  });

  it('relay_tls_all: the leg captured without its handshake is "no-handshake" (and tls-midstream), not an error', async () => {
    const file = path.join(CORPUS, 'relay_tls_all.pcap');
    const { doc } = await analyze(file, [`${file}.keys.txt`]);
    const mid = tlsConns(doc).filter((c) => c.tls!.decryption.state !== 'decrypted');
    expect(mid).toHaveLength(1);
    expect(mid[0]!.sawSyn).toBe(false);
    expect(mid[0]!.tls!.clientRandom).toBeNull();
    expect(mid[0]!.tls!.decryption.reason).toBe('handshake not in the capture');
    expect(diagCount(doc, 'tls-midstream')).toBe(1);
    expect(diagCount(doc, 'tls-no-keys')).toBe(0);
  });
});

describe.skipIf(!HAVE_TLS_CORPUS || !HAVE_CORPUS_TLS_LEGS || !HAVE_TSHARK)('against tshark’s own decryption (tshark installed)', () => {
  const all = [...TLS_CASES, ...LEG_CASES];
  it.each(all.map((c) => [c.name, c] as const))('%s: pins = tshark; per connection and direction the same MSRP and plaintext bytes', async (_n, c) => {
    const oracle = tsharkMsrp(c.file, c.keylog);
    const truth = readJson<TlsTruth>(`${c.file}.tls-truth.json`);
    // The scanner agrees with the shipped truth, and the pins with the scanner.
    expect(entries(oracle.scan.requests)).toEqual(entries(truth.requests));
    expect(entries(oracle.scan.responses)).toEqual(entries(truth.responses));
    expect(oracle.scan.unfinished).toBe(0);
    expect(oracle.messages).toEqual(pinned(c.name));

    const { doc } = await analyze(c.file, c.keylog === undefined ? [] : [c.keylog]);
    for (const s of oracle.streams) {
      const conn = doc.connections.find((k) => `${k.client.address}:${k.client.port}` === s.client);
      expect(conn, `stream ${s.stream} (${s.client})`).toBeDefined();
      const d = conn!.tls?.decryption;
      if (s.c2s.length + s.s2c.length === 0) {
        // tshark decrypts nothing here: neither do we (a clear leg, or a TLS leg without keys).
        expect(d === undefined || d.records === 0).toBe(true);
        continue;
      }
      // Plaintext application bytes per direction = the sum of tshark's decrypted records.
      const ws = conn!.websocket !== null;
      expect(d!.dirs[0].applicationBytes).toBe(s.c2s.reduce((a, b) => a + b.length, 0));
      expect(d!.dirs[1].applicationBytes).toBe(s.s2c.reduce((a, b) => a + b.length, 0));
      // Application-data records: at least tshark's (plus Finished/alerts/tickets, and the WebSocket heads).
      expect(d!.dirs[0].records).toBeGreaterThanOrEqual(s.c2s.length);
      expect(d!.dirs[1].records).toBeGreaterThanOrEqual(s.s2c.length);
      if (!ws) {
        const one = scanMsrp(Buffer.concat(s.c2s));
        scanMsrp(Buffer.concat(s.s2c), one);
        expect(entries(conn!.requests)).toEqual(entries(one.requests));
        expect(entries(conn!.responses)).toEqual(entries(one.responses));
      }
    }
  });
});
