import { describe, expect, it } from 'vitest';
import { codesOf, expectClean, fuzz } from './helpers.js';

const CASES = 2000;

describe('bounded fuzz run: MSRP, SIP, SDP, CPIM', () => {
  it('MSRP framer (+ typed headers, URIs): whole vs pieces, gaps, small limits', async () => {
    const r = await fuzz('msrp', CASES);
    expectClean(r, CASES);
    for (const c of ['resync', 'missing-end-line', 'malformed-header-line', 'header-line-too-long', 'truncated-by-gap']) {
      expect(codesOf(r)).toContain(c);
    }
  });

  it('SIP over TCP: whole vs pieces, gaps, SDP, dialogs', async () => {
    const r = await fuzz('sip-stream', CASES);
    expectClean(r, CASES);
    for (const c of ['sip-garbage-skipped', 'sip-header-too-long', 'sip-gap']) expect(codesOf(r)).toContain(c);
  });

  it('SIP datagrams', async () => {
    const r = await fuzz('sip-datagram', CASES);
    expectClean(r, CASES);
    expect(codesOf(r)).toContain('sip-content-length-mismatch');
  });

  it('SDP', async () => {
    const r = await fuzz('sdp', CASES);
    expectClean(r, CASES);
    expect(codesOf(r)).toContain('sdp-bad-attribute');
  });

  it('CPIM', async () => {
    const r = await fuzz('cpim', CASES);
    expectClean(r, CASES);
    expect(r.reports[0]!.inputBytes).toBeGreaterThan(CASES * 20);
  });
});
