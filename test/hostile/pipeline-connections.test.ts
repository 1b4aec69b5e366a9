import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/cli/pipeline.js';
import { buildTcp } from '../../src/net/build.js';
import { Correlator } from '../../src/model/correlator.js';
import { pcapStream, type StreamRecord } from './capture-stream.js';
import { MemoryProbe, MiB } from './memory.js';

// 110 000 in the suite (10 000 evictions at the default bound of 100 000); 200 000 by hand with
// MSRPSCOPE_HOSTILE_CONNECTIONS=200000 (about 12 s).
const N = Number(process.env.MSRPSCOPE_HOSTILE_CONNECTIONS ?? 110_000);

describe('end to end: connections that never close', () => {
  it(`${N} connections, each a SYN and one MSRP-looking segment: evictions reported, memory per connection bounded`, async () => {
    const probe = new MemoryProbe();
    const hello = Buffer.from('MSRP abcd SEND\r\nTo-Path: msrp://b.example:2855/s;tcp\r\n', 'latin1');
    // Two Ethernet/IPv4/TCP templates; each connection patches its source address and port in place (the
    // decoder does not verify checksums, and building every packet would time the builder, not the analyzer).
    const spec = { src: '10.0.0.0', dst: '198.51.100.20', srcPort: 40000, dstPort: 2855, ack: 0 };
    const synT = buildTcp({ ...spec, seq: 100, flags: 0x02 });
    const dataT = buildTcp({ ...spec, seq: 101, flags: 0x18, payload: hello });
    const patch = (t: Buffer, i: number): Buffer => {
      const b = Buffer.from(t);
      b.writeUInt32BE((10 << 24) | i, 26);
      b.writeUInt16BE(40000 + (i % 20000), 34);
      return b;
    };
    function* capture(): Generator<StreamRecord> {
      for (let i = 0; i < N; i++) {
        yield { data: patch(synT, i), ms: i * 0.01 };
        yield { data: patch(dataT, i), ms: i * 0.01 + 0.005 };
        if ((i & 8191) === 0) probe.sample();
      }
      // Everything still open (100 000 connections at the default bound) and all records so far, after a full GC.
      openLive = probe.retained();
    }
    let openLive = 0;
    const store = new Correlator({});
    await runPipeline({ sources: [{ name: 'many', input: pcapStream(capture()) }], model: store });
    const live = probe.retained();
    const evictions = store.view().counts().diagnostics.get('tcp-connection-evicted') ?? 0;
    console.log(`pipeline ${N} connections: ${(live / MiB).toFixed(0)} MiB retained by the model after the run (${((live / N) | 0)} B per connection), with ${Math.min(N, 100_000)} still open ${(openLive / MiB).toFixed(0)} MiB, peak sampled ${(probe.peak / MiB).toFixed(0)} MiB`);
    expect(store.view().connections()).toHaveLength(N);
    expect(evictions).toBe(Math.max(0, N - 100_000));
    // While open, every layer holds its per-connection state (TCP ~1.4 KiB, MSRP parser ~2.7 KiB, SIP, model);
    // after the run only the model's record per connection (it is listed in the outputs) remains.
    expect(openLive / N).toBeLessThan(16 * 1024);
    expect(live / N).toBeLessThan(4096);
  }, 120_000);
});
