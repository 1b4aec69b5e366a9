import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Correlator } from '../../src/model/correlator.js';
import { runPipeline } from '../../src/cli/pipeline.js';
import { buildJsonDocument } from '../../src/export/json.js';
import { sessionRows } from '../../src/format/session-list.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus', import.meta.url));

async function doc(name: string) {
  const store = new Correlator();
  await runPipeline({ sources: [{ name, input: join(CORPUS, name) }], model: store });
  return buildJsonDocument(store.view());
}

describe.skipIf(!existsSync(CORPUS))('TLS and WebSocket connections in every output', () => {
  it('labels encrypted MSRP (found from the msrps: paths seen in clear) and keeps the handshake facts', async () => {
    const d = await doc('relay_tls_mixed.pcap');
    const tls = d.connections.filter((c) => c.tls !== null);
    expect(tls.map((c) => c.server.port)).toEqual([2866, 2866]);
    for (const c of tls) {
      expect(c.label).toBe('MSRP over TLS (encrypted)');
      expect(c.msrpOverTls).toMatch(/^msrps: URI of 127\.0\.0\.1:2866/);
      expect(c.tls?.version).toBe('TLS 1.3');
      expect(c.tls?.cipher).toBe('TLS_AES_256_GCM_SHA384');
    }
    expect(d.connections.filter((c) => c.label === 'MSRP')).toHaveLength(2);
    const rows = sessionRows(d).filter((r) => r.scope.kind === 'connection');
    expect(rows.map((r) => r.callId)).toEqual(['MSRP/TLS', 'MSRP/TLS']);
  });

  it('links the TLS connection of sip_msrps to its SDP (TCP/TLS/MSRP)', async () => {
    const d = await doc('sip_msrps.pcap');
    expect(d.connections).toHaveLength(1);
    expect(d.connections[0]?.label).toBe('MSRP over TLS (encrypted)');
    expect(d.connections[0]?.msrpOverTls).toMatch(/^SDP TCP\/TLS\/MSRP of Call-ID /);
  });

  it('says TLS (encrypted) when nothing suggests MSRP', async () => {
    const d = await doc('relay_tls_all.pcap');
    expect(d.connections.map((c) => c.label)).toEqual(['TLS (encrypted)', 'TLS (encrypted)', 'TLS (encrypted)']);
    expect(d.connections[2]?.tls?.midStream).toBe(true);
  });

  it('reports WebSocket handshake facts and frame counts per connection', async () => {
    const d = await doc('ws_relay.pcap');
    const ws = d.connections.find((c) => c.websocket !== null);
    expect(ws?.label).toBe('MSRP over WebSocket');
    expect(ws?.websocket?.protocol).toBe('msrp');
    expect(ws?.websocket?.path).toBe('/msrp');
    expect(ws?.websocket?.dirs[0].masked).toBe(11);
    expect(ws?.websocket?.dirs[0].frames).toBe(11);
    expect(ws?.websocket?.dirs[1].frames).toBe(10);
    expect(d.summary.connections.websocket).toBe(1);
  });
});
