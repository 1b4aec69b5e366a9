import { describe, expect, it } from 'vitest';
import { codesOf, expectClean, fuzz } from './helpers.js';

// ~2,000 seeded cases per parser; each case is also checked for split independence, registered
// diagnostic codes, escaped details and an untouched Object.prototype (see src/fuzz/check.ts).
const CASES = 2000;

describe('bounded fuzz run: capture, link/IP, TCP, WebSocket, transport', () => {
  it('capture reader: damaged pcap/pcapng, whole vs pieces', async () => {
    const r = await fuzz('capture', CASES);
    expectClean(r, CASES);
    expect(codesOf(r)).toContain('capture-corrupt-record');
    expect(codesOf(r)).toContain('capture-truncated');
  });

  it('packet decoder: damaged records and IP fragments on every link type', async () => {
    const r = await fuzz('net', CASES);
    expectClean(r, CASES);
    for (const c of ['ip-malformed', 'ip-fragment-overlap', 'ip-fragment-incomplete', 'unknown-link-type']) expect(codesOf(r)).toContain(c);
  });

  it('TCP reassembly: loss, reordering, overlaps, FIN/RST, port reuse; delivered bytes exact', async () => {
    const r = await fuzz('tcp', CASES);
    expectClean(r, CASES);
    for (const c of ['tcp-gap', 'tcp-midstream', 'tcp-port-reuse', 'tcp-out-of-window']) expect(codesOf(r)).toContain(c);
  });

  it('WebSocket deframer: damaged frame streams, whole vs pieces', async () => {
    const r = await fuzz('websocket', CASES);
    expectClean(r, CASES);
    expect(codesOf(r)).toContain('ws-protocol-error');
  });

  it('transport demux → MSRP tap + SIP: damaged conversations', async () => {
    const r = await fuzz('transport', CASES);
    expectClean(r, CASES);
    for (const c of ['resync', 'ws-protocol-error', 'truncated-at-end']) expect(codesOf(r)).toContain(c);
  });
});
