import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/cli/keylog.js';
import { runPipeline } from '../../src/cli/pipeline.js';
import { buildJsonDocument } from '../../src/export/json.js';
import type { JsonDocument } from '../../src/export/json-types.js';
import { Correlator } from '../../src/model/correlator.js';
import { lineText } from '../../src/format/line.js';
import { sessionRows, type SessionRow } from '../../src/format/session-list.js';
import { listColumns, listRowLine } from '../../src/format/session-list-lines.js';

const SAMPLES = 'samples/tls';

async function analyzeTls(name: string, keys: string | undefined): Promise<JsonDocument> {
  const file = `${SAMPLES}/${name}.pcap`;
  const store = new Correlator();
  const ring = new KeyRing((d) => store.diagnostic(d));
  if (keys !== undefined) ring.addFile(keys, false);
  await runPipeline({ sources: [{ name: file, input: file }], model: store, keys: ring });
  return buildJsonDocument(store.view(), { version: '0.0.0-test' });
}

describe.skipIf(!existsSync(`${SAMPLES}/tls13_keyupdate.pcap`))('TUI session list: TLS connections say what decryption made of them', () => {
  it('without a key log: the encrypted connection row says MSRP/TLS', async () => {
    const doc = await analyzeTls('tls13_nokeys', undefined);
    const rows = sessionRows(doc);
    expect(rows.map((r) => [r.key, r.callId])).toEqual([['c0', 'MSRP/TLS']]);
  });

  it('with a key log that lacks the connection: the label and the reason', async () => {
    const doc = await analyzeTls('tls13_nokeys', `${SAMPLES}/tls13_nokeys.keys.txt`);
    const rows = sessionRows(doc);
    expect(rows.map((r) => [r.key, r.callId])).toEqual([['c0', 'MSRP over TLS (encrypted): no keys for this client random']]);
  });

  it('only the server secrets: partly decrypted, and which direction is missing', async () => {
    const doc = await analyzeTls('tls13_server_keys_only', `${SAMPLES}/tls13_server_keys_only.keys.txt`);
    expect(doc.connections[0]?.label).toBe('MSRP over TLS (partly decrypted)');
    const row = sessionRows(doc).find((r) => r.key === 'c0');
    expect(row?.callId).toBe('MSRP over TLS (partly decrypted): client->server: no client secrets for this client random');
  });

  it('decrypted: the MSRP session is a session row like any other, its connection labelled decrypted', async () => {
    const doc = await analyzeTls('tls13_keyupdate', `${SAMPLES}/tls13_keyupdate.keys.txt`);
    expect(doc.connections[0]?.label).toBe('MSRP over TLS (decrypted)');
    const rows = sessionRows(doc);
    expect(rows.map((r) => r.key)).toEqual(['s0']);
    expect(rows[0]?.messages).toBe(4);
  });
});

describe.skipIf(!existsSync(`${SAMPLES}/tls13_nokeys.pcap`))('TUI session list columns of a TLS-only capture', () => {
  it('leaves out the message columns nobody fills', async () => {
    const doc = await analyzeTls('tls13_nokeys', undefined);
    const rows = sessionRows(doc);
    const cols = listColumns(80, rows);
    expect(cols.map((c) => c.title)).toEqual(['#', 'Start', 'Ends', 'Call-ID', 'State']);
    expect(lineText(listRowLine(rows[0] as SessionRow, cols))).toBe(
      ' c0 07:51:59 127.0.0.1:44358 ↔ 127.0.0.1:24105                   MSRP/TLS closed',
    );
  });
});
