import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap, type WriteRecord } from '../../src/capture/writer.js';
import { buildTcp, buildUdp } from '../../src/net/build.js';
import { Correlator } from '../../src/model/correlator.js';
import { runPipeline } from '../../src/cli/pipeline.js';

const ALICE = '192.0.2.10';
const BOB = '198.51.100.20';
const PORT = 40123; // not a port the tap knows: only content detection or SDP can find it

function sdpInvite(): Buffer {
  const sdp = ['v=0', `o=a 1 1 IN IP4 ${BOB}`, 's=-', `c=IN IP4 ${BOB}`, 't=0 0', `m=message ${PORT} TCP/MSRP *`,
    `a=path:msrp://${BOB}:${PORT}/bobsess;tcp`, 'a=accept-types:*', ''].join('\r\n');
  const head = ['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1', 'From: <sip:a@x>;tag=1', 'To: <sip:b@y>;tag=2',
    'Call-ID: sdp-port-test', 'CSeq: 1 INVITE', 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(sdp)}`, '', ''].join('\r\n');
  return Buffer.from(head + sdp);
}

/** A connection seen from the middle of a 300 KiB chunk (no SYN, no start-line for 300 KiB), then one SEND. */
function capture(withSdp: boolean): string {
  const recs: WriteRecord[] = [];
  let t = 0;
  const add = (data: Buffer): void => {
    t += 1;
    recs.push({ tsSec: 1_800_000_000, tsNsec: t * 1000, data });
  };
  if (withSdp) add(buildUdp({ src: BOB, dst: ALICE, srcPort: 5060, dstPort: 5060, payload: sdpInvite() }));
  const tail = Buffer.alloc(300 * 1024, 0x41);
  const send = 'MSRP k2j3h4g5 SEND\r\nTo-Path: msrp://198.51.100.20:40123/bobsess;tcp\r\nFrom-Path: msrp://192.0.2.10:2855/alisess;tcp\r\n' +
    'Message-ID: after-the-gap\r\nByte-Range: 1-5/5\r\nContent-Type: text/plain\r\n\r\nhello\r\n-------k2j3h4g5$\r\n';
  const stream = Buffer.concat([tail, Buffer.from('\r\n-------0ld7x1d$\r\n'), Buffer.from(send)]);
  let seq = 1000;
  for (let o = 0; o < stream.length; o += 1400) {
    const payload = stream.subarray(o, o + 1400);
    add(buildTcp({ src: ALICE, dst: BOB, srcPort: 50000, dstPort: PORT, seq, ack: 1, flags: 0x18, payload }));
    seq += payload.length;
  }
  const file = join(mkdtempSync(join(tmpdir(), 'msrpscope-sdp-')), `c${withSdp ? 1 : 0}.pcap`);
  writeFileSync(file, writePcap(recs, { linkType: 1 }));
  return file;
}

async function analyze(file: string): Promise<Correlator> {
  const store = new Correlator();
  await runPipeline({ sources: [{ name: file, input: file }], model: store });
  return store;
}

describe('MSRP endpoints learned from SDP', () => {
  it('are parsed from their first byte, so a mid-stream start longer than the detection window is not lost', async () => {
    const store = await analyze(capture(true));
    const r = store.view().facts();
    expect(store.view().counts().requests.get('SEND')).toBe(1);
    expect(r?.bytesSkipped).toBe(300 * 1024 + 19);
  });

  it('without SDP the same connection is given up after the detection window (nothing counted)', async () => {
    const store = await analyze(capture(false));
    expect(store.view().counts().requests.get('SEND') ?? 0).toBe(0);
    expect(store.view().facts()?.bytesSkipped).toBe(0);
  });
});
