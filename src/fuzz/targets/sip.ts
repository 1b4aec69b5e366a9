/**
 * SIP: damaged SIP-over-TCP streams (SipStreamParser, whole vs random pieces), damaged datagrams
 * (parseSipDatagram), and every SDP found (parseSdp, msrpMedia), all fed to a SipDialogTracker.
 */
import type { FrameRef } from '../../capture/types.js';
import { sdpTextOf } from '../../sip/body.js';
import { SipDialogTracker } from '../../sip/dialogs.js';
import type { SipMessage } from '../../sip/message.js';
import { parseSipDatagram, SipStreamParser } from '../../sip/parser.js';
import { msrpMedia, parseSdp } from '../../sip/sdp.js';
import { Checker } from '../check.js';
import { mutate, randomSplit } from '../mutate.js';
import type { Rng } from '../rng.js';
import { streamsOf, type SeedPool } from '../seeds.js';
import type { FuzzTarget } from '../target.js';
import { generateStream } from './msrp.js';

const REF: FrameRef = { frame: 1, tsSec: 1, tsNsec: 0 };

function messageLine(m: SipMessage): string {
  return [
    m.kind, m.method, m.requestUri, m.status, m.reason, JSON.stringify(m.headers), m.callId, m.contentLength,
    m.body.toString('hex'), m.truncated, m.lfOnly, m.offset, m.viaCount, m.recordRouteCount,
  ].join(' ');
}

function followUp(msgs: SipMessage[], check: Checker): void {
  const tracker = new SipDialogTracker({ onDiagnostic: check.sink, maxDialogs: 4 });
  for (const m of msgs) {
    tracker.push(m);
    const text = sdpTextOf(m);
    if (text !== undefined) {
      const sdp = parseSdp(text);
      msrpMedia(sdp);
    }
  }
  for (const d of tracker.dialogs()) check.expect(d.events.length <= 1000, `dialog keeps ${d.events.length} events`);
}

function streamRun(pieces: Buffer[], gapAt: number, check: Checker | undefined, maxHeaderBytes: number): { text: string; msgs: SipMessage[] } {
  const lines: string[] = [];
  const msgs: SipMessage[] = [];
  const parser = new SipStreamParser(
    (m) => {
      msgs.push(m);
      lines.push(messageLine(m));
    },
    { connection: 0, maxHeaderBytes, maxBodyBytes: 4096, onDiagnostic: (d) => {
      check?.diagnostic(d);
      lines.push(`D ${d.code} ${d.offset} ${d.detail}`);
    } },
  );
  let pos = 0;
  for (const p of pieces) {
    if (gapAt >= pos && gapAt < pos + p.length) {
      parser.push(p.subarray(0, gapAt - pos), REF);
      parser.gap(100, REF);
      parser.push(p.subarray(gapAt - pos), REF);
    } else parser.push(p, REF);
    pos += p.length;
  }
  parser.end();
  lines.push(`stats ${JSON.stringify(parser.stats)}`);
  return { text: lines.join('\n'), msgs };
}

export const sipStreamTarget: FuzzTarget = {
  name: 'sip-stream',
  description: 'SipStreamParser (+ SDP, dialog tracker): damaged SIP-over-TCP streams, whole vs random pieces',
  generate(rng: Rng, pool: SeedPool) {
    return generateStream(rng, streamsOf(pool, 'sip'));
  },
  run(input: Buffer, rng: Rng) {
    const check = new Checker();
    const gapAt = rng.chance(0.2) ? rng.int(input.length + 1) : -1;
    const maxHeaderBytes = rng.pick([256, 65536]);
    const whole = streamRun([input], gapAt, check, maxHeaderBytes);
    const split = streamRun(randomSplit(input, rng), gapAt, undefined, maxHeaderBytes);
    if (whole.text !== split.text) {
      const a = whole.text.split('\n');
      const b = split.text.split('\n');
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      check.problem(`results differ by split at line ${i}: "${(a[i] ?? '').slice(0, 160)}" vs "${(b[i] ?? '').slice(0, 160)}"`);
    }
    followUp(whole.msgs, check);
    return check.finish();
  },
};

export const sipDatagramTarget: FuzzTarget = {
  name: 'sip-datagram',
  description: 'parseSipDatagram (+ SDP, dialog tracker): damaged SIP datagrams',
  generate(rng: Rng, pool: SeedPool) {
    const seeds = pool.datagrams.length > 0 ? pool.datagrams : streamsOf(pool, 'sip');
    const d = rng.pick(seeds);
    return mutate(d.subarray(0, 65535), rng, 5).subarray(0, 65535);
  },
  run(input: Buffer) {
    const check = new Checker();
    const msgs: SipMessage[] = [];
    const m = parseSipDatagram(input, { from: REF, onDiagnostic: check.sink });
    if (m !== undefined) msgs.push(m, m);
    followUp(msgs, check);
    return check.finish();
  },
};

export const sdpTarget: FuzzTarget = {
  name: 'sdp',
  description: 'parseSdp + msrpMedia: damaged SDP bodies',
  generate(rng: Rng, pool: SeedPool) {
    const seeds: Buffer[] = [];
    for (const s of streamsOf(pool, 'sip')) {
      const at = s.indexOf('v=0');
      if (at >= 0) seeds.push(s.subarray(at, at + 4096));
    }
    if (seeds.length === 0) return rng.bytes(rng.smallLength(1024));
    return mutate(rng.pick(seeds), rng, 6);
  },
  run(input: Buffer) {
    const check = new Checker();
    const sdp = parseSdp(input.toString('utf8'));
    for (const issue of sdp.issues) {
      check.text('SDP issue detail', issue.detail, false);
      check.codes.add(issue.code);
    }
    msrpMedia(sdp);
    return check.finish();
  },
};
