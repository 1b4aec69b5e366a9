import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/cli/pipeline.js';
import { buildJsonDocument } from '../../src/export/json.js';
import { Correlator } from '../../src/model/correlator.js';
import { pcapStream, TcpScript, type StreamRecord } from './capture-stream.js';
import { MemoryProbe, MiB } from './memory.js';

const BODY_MB = Number(process.env.MSRPSCOPE_HOSTILE_PIPELINE_BODY_MB ?? 256);

describe('end to end: an MSRP body without an end-line in a streamed capture', () => {
  it(`reads ${BODY_MB} MiB of body through reader, TCP, MSRP and the model in bounded memory`, async () => {
    const mss = 1448;
    const segments = Math.ceil((BODY_MB * MiB) / mss);
    const head = Buffer.from('MSRP bomb0001 SEND\r\nTo-Path: msrp://198.51.100.20:2855/s;tcp\r\nFrom-Path: msrp://192.0.2.10:2855/t;tcp\r\nMessage-ID: body-bomb-1\r\nByte-Range: 1-*/*\r\nContent-Type: text/plain\r\n\r\n', 'latin1');
    const probe = new MemoryProbe();
    function* capture(): Generator<StreamRecord> {
      const t = new TcpScript();
      yield* t.handshake();
      yield t.send('c', head);
      const body = Buffer.alloc(mss, 0x61);
      for (let i = 0; i < segments; i++) {
        yield t.send('c', body);
        if ((i & 4095) === 0) probe.sample();
      }
      yield* t.close();
    }
    const store = new Correlator({});
    const res = await runPipeline({ sources: [{ name: 'bomb', input: pcapStream(capture()) }], model: store });
    const retained = probe.retained();
    const doc = buildJsonDocument(store.view());
    expect(res.info.packets).toBe(segments + 7);
    // One SEND cut at the end of the capture, its whole body counted, nothing kept.
    expect(doc.transactions).toHaveLength(1);
    const rq = doc.transactions[0]!.request!;
    expect(rq.truncated).toBe(true);
    expect(rq.bodyLength).toBe(segments * mss);
    expect(doc.summary.truncated.requests).toEqual({ SEND: 1 });
    expect(doc.summary.diagnostics['truncated-at-end']).toBe(1);
    expect(doc.connections[0]!.stats.c2s.delivered).toBe(rq.bodyLength + head.length);
    console.log(`pipeline body ${BODY_MB} MiB: peak growth ${(probe.peak / MiB).toFixed(1)} MiB, retained ${(retained / MiB).toFixed(1)} MiB`);
    expect(probe.peak).toBeLessThan(96 * MiB);
    expect(retained).toBeLessThan(16 * MiB);
  }, 120_000);
});
