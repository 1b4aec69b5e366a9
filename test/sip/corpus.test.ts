/**
 * The SIP layer against the corpus ground truth: capture → decoder → (UDP | TCP reassembler) → SipTraffic →
 * SipDialogTracker, compared with the "SIP" section of each sip_*.truth.md (numbers read from the file).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SipDialogTracker } from '../../src/sip/dialogs.js';
import { sdpTextOf } from '../../src/sip/body.js';
import type { SipMessage } from '../../src/sip/message.js';
import { parseSdp } from '../../src/sip/sdp.js';
import { SipTraffic } from '../../src/sip/traffic.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHARED = path.resolve(HERE, '../../../shared');
const CORPUS = path.join(SHARED, 'corpus');
const SRC = path.resolve(HERE, '../../src');
const stagesPresent = ['capture/reader.ts', 'net/decoder.ts', 'tcp/reassembler.ts'].every((f) => existsSync(path.join(SRC, f)));

const FILES = ['sip_chat_udp.pcap', 'sip_chat_tcp.pcapng', 'sip_ipv6.pcapng', 'sip_file_transfer.pcap', 'sip_msrps.pcap'];

/** `ACK=2, BYE=2` or `100 INVITE=1, 200 BYE=2` → Map; `-` → empty. */
function kv(text: string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  if (!text) return m;
  for (const part of text.split(',')) {
    const eq = part.lastIndexOf('=');
    if (eq > 0) m.set(part.slice(0, eq).trim(), Number(part.slice(eq + 1).trim()));
  }
  return m;
}

interface TruthDialog {
  callId: string;
  transport: string;
  messages: string[];
  maxVia: number;
  recordRoute: boolean;
}

interface TruthSdp {
  callId: string;
  /** `INVITE` or `200(INVITE)`. */
  label: string;
  src: string;
  dst: string;
  /** `c=` value, `m=` value, and the a= attributes in the order listed. */
  c: string;
  m: string;
  attrs: Array<[string, string | undefined]>;
}

interface SipTruth {
  messages: number;
  requests: Map<string, number>;
  responsesByMethod: Map<string, number>;
  dialogs: number;
  table: TruthDialog[];
  sdps: TruthSdp[];
  /** Server/client ports of the TCP streams the independent count calls msrp. */
  msrpStreamPorts: number[][];
}

function readTruth(file: string): SipTruth {
  const txt = readFileSync(path.join(CORPUS, `${file}.truth.md`), 'utf8');
  const sip = txt.split('\n## SIP')[1]?.split('\n## ')[0] ?? '';
  const one = (re: RegExp): string | undefined => re.exec(sip)?.[1];
  const table: TruthDialog[] = [];
  for (const m of sip.matchAll(/^\| `([^`]+)` \| (\w+) \| ([^|]+) \| (\d+) \| (\w+) \|$/gm)) {
    table.push({
      callId: m[1] as string,
      transport: m[2] as string,
      messages: (m[3] as string).trim().split(/\s+/),
      maxVia: Number(m[4]),
      recordRoute: m[5] === 'yes',
    });
  }
  const sdps: TruthSdp[] = [];
  for (const m of sip.matchAll(/^- `([^`]+)` (\S+) (\S+) -> (\S+): (.*)$/gm)) {
    const fields = (m[5] as string).split('; ');
    const c = fields.find((f) => f.startsWith('c='))?.slice(2) ?? '';
    const media = fields.find((f) => f.startsWith('m='))?.slice(2) ?? '';
    const attrs: Array<[string, string | undefined]> = fields
      .filter((f) => f.startsWith('a='))
      .map((f) => {
        const colon = f.indexOf(':');
        return colon < 0 ? [f.slice(2), undefined] : [f.slice(2, colon), f.slice(colon + 1)];
      });
    sdps.push({ callId: m[1] as string, label: m[2] as string, src: m[3] as string, dst: m[4] as string, c, m: media, attrs });
  }
  const kinds = /^- stream kinds: (.*)$/m.exec(txt)?.[1] ?? '';
  const msrpStreams = [...kinds.matchAll(/s(\d+)=msrp/g)].map((k) => Number(k[1]));
  const msrpStreamPorts: number[][] = [];
  for (const id of msrpStreams) {
    const row = new RegExp(`^\\| ${id} \\| \\[(\\d+), (\\d+)\\] \\|`, 'm').exec(txt);
    if (row) msrpStreamPorts.push([Number(row[1]), Number(row[2])]);
  }
  return {
    messages: Number(one(/^- SIP messages: (\d+)/m) ?? 'NaN'),
    requests: kv(one(/requests by method: (.*)$/m)),
    responsesByMethod: kv(one(/^- responses by code \(CSeq method\): (.*)$/m)),
    dialogs: Number(one(/^- dialogs \(distinct Call-ID\): (\d+)/m) ?? 'NaN'),
    table,
    sdps,
    msrpStreamPorts,
  };
}

interface Run {
  messages: SipMessage[];
  tracker: SipDialogTracker;
  diagnostics: Diagnostic[];
}

async function runSip(file: string): Promise<Run> {
  const { readAllRecords } = await import('../../src/capture/reader.js');
  const { PacketDecoder } = await import('../../src/net/decoder.js');
  const { TcpReassembler } = await import('../../src/tcp/reassembler.js');
  const diagnostics: Diagnostic[] = [];
  const onDiagnostic = (d: Diagnostic): void => {
    if (d.code.startsWith('sip-') || d.code.startsWith('sdp-')) diagnostics.push(d);
  };
  const messages: SipMessage[] = [];
  const tracker = new SipDialogTracker({ onDiagnostic });
  const traffic = new SipTraffic(
    (m) => {
      messages.push(m);
      tracker.push(m);
    },
    { onDiagnostic },
  );
  const { records } = await readAllRecords(path.join(CORPUS, file));
  const decoder = new PacketDecoder();
  const tcp = new TcpReassembler(traffic);
  for (const rec of records) {
    const seg = decoder.decode(rec);
    if (seg === undefined) continue;
    if (seg.proto === 'tcp') tcp.push(seg);
    else traffic.udp(seg);
  }
  tcp.end();
  traffic.end();
  return { messages, tracker, diagnostics };
}

function label(m: SipMessage): string {
  return m.kind === 'request' ? (m.method ?? '?') : `${m.status ?? '?'}(${m.cseq?.method ?? '?'})`;
}

function hostPort(e: { address: string; port: number }): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

function sorted(a: readonly string[]): string[] {
  return [...a].sort();
}

describe.skipIf(!existsSync(CORPUS) || !stagesPresent)('SIP corpus ground truth', () => {
  for (const file of existsSync(CORPUS) ? FILES : []) {
    describe(file, () => {
      const truth = readTruth(file);
      let run: Run;
      beforeAll(async () => {
        run = await runSip(file);
      });

      it('reads the truth file', () => {
        expect(truth.messages).toBeGreaterThan(0);
        expect(truth.table.length).toBe(truth.dialogs);
        expect(truth.sdps.length).toBeGreaterThan(0);
      });

      it('counts SIP messages, requests by method, responses by code and CSeq method, dialogs', () => {
        const { tracker } = run;
        expect(tracker.stats.messages).toBe(truth.messages);
        expect(run.messages).toHaveLength(truth.messages);
        expect(new Map([...tracker.stats.requests].sort())).toEqual(new Map([...truth.requests].sort()));
        expect(new Map([...tracker.stats.responsesByMethod].sort())).toEqual(new Map([...truth.responsesByMethod].sort()));
        const byCode = new Map<number, number>();
        for (const [k, n] of truth.responsesByMethod) {
          const code = Number(k.split(' ')[0]);
          byCode.set(code, (byCode.get(code) ?? 0) + n);
        }
        expect(new Map([...tracker.stats.responses].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...byCode].sort((a, b) => a[0] - b[0])));
        expect(tracker.stats.dialogs).toBe(truth.dialogs);
        expect(run.diagnostics).toEqual([]);
        expect(run.messages.every((m) => !m.truncated)).toBe(true);
      });

      it('builds each dialog as the truth lists it', () => {
        for (const td of truth.table) {
          const d = run.tracker.dialog(td.callId);
          expect(d, td.callId).toBeDefined();
          if (!d) continue;
          expect(d.transport).toBe(td.transport);
          expect(d.maxVia).toBe(td.maxVia);
          expect(d.recordRoute).toBe(td.recordRoute);
          expect(d.messages).toBe(td.messages.length);
          const ours = d.events.map((e) => (e.kind === 'request' ? (e.method ?? '?') : `${e.status ?? '?'}(${e.cseqMethod ?? '?'})`));
          // UDP is listed in capture order; TCP grouped per stream and direction, so compare it as a multiset.
          if (td.transport === 'udp') expect(ours).toEqual(td.messages);
          else expect(sorted(ours)).toEqual(sorted(td.messages));
          expect(d.state).toBe('terminated');
          expect(d.terminatedBy).toBe('BYE');
          expect(d.answer).toBeDefined();
          expect(d.offer?.frame.frame).toBeLessThan(d.answer?.frame.frame ?? 0);
        }
      });

      it('parses every SDP body to the c=, m= and attributes the truth states', () => {
        const withSdp = run.messages.filter((m) => sdpTextOf(m) !== undefined);
        expect(withSdp).toHaveLength(truth.sdps.length);
        for (const ts of truth.sdps) {
          const m = withSdp.find((x) => x.callId === ts.callId && label(x) === ts.label && hostPort(x.src) === ts.src && hostPort(x.dst) === ts.dst);
          expect(m, `${ts.label} ${ts.src} -> ${ts.dst}`).toBeDefined();
          if (!m) continue;
          const sdp = parseSdp(sdpTextOf(m) ?? '');
          expect(sdp.issues).toEqual([]);
          const [addrType, address] = ts.c.split(' ').slice(1);
          expect(sdp.connection).toEqual({ netType: 'IN', addrType, address });
          expect(sdp.media).toHaveLength(1);
          const media = sdp.media[0];
          if (!media) continue;
          expect(`${media.media} ${media.port} ${media.proto} ${media.formats.join(' ')}`).toBe(ts.m);
          for (const [name, value] of ts.attrs) {
            const ours = media.attributes.find((a) => a[0] === name);
            expect(ours, `a=${name}`).toBeDefined();
            if (value?.endsWith('...')) expect(ours?.[1]?.startsWith(value.slice(0, -3))).toBe(true);
            else expect(ours?.[1]).toBe(value);
          }
          // The typed MSRP view agrees with the same facts.
          const ms = media.msrp;
          expect(ms).toBeDefined();
          if (!ms) continue;
          const attr = (n: string): string | undefined => ts.attrs.find((a) => a[0] === n)?.[1];
          const proto = ts.m.split(' ')[2] ?? '';
          expect(ms.proto).toBe(proto);
          expect(ms.transport).toBe(proto.toUpperCase() === 'TCP/TLS/MSRP' ? 'tls' : 'tcp');
          expect(ms.port).toBe(Number(ts.m.split(' ')[1]));
          expect(ms.address).toBe(address);
          expect(ms.path).toEqual((attr('path') ?? '').split(' '));
          expect(ms.sessionId).toBe(/\/([^/;]+);[^/]*$/.exec(attr('path') ?? '')?.[1]);
          expect(ms.setup).toBe(attr('setup'));
          expect(ms.acceptTypes).toEqual((attr('accept-types') ?? '').split(' '));
          const dir = ts.attrs.find((a) => ['sendrecv', 'sendonly', 'recvonly', 'inactive'].includes(a[0]))?.[0];
          expect(ms.direction).toBe(dir);
          const fsel = attr('file-selector');
          if (fsel === undefined) expect(ms.fileSelector).toBeUndefined();
          else {
            const name = /name:"([^"]*)"/.exec(fsel)?.[1];
            const size = Number(/size:(\d+)/.exec(fsel)?.[1]);
            const hash = /hash:([^:\s]+):(\S+)/.exec(fsel);
            expect(ms.fileSelector?.name).toBe(name);
            expect(ms.fileSelector?.size).toBe(size);
            expect(ms.fileSelector?.hash).toEqual({ algorithm: hash?.[1]?.toLowerCase(), hex: hash?.[2]?.replace(/:/g, '').toLowerCase() });
            expect(ms.fileTransferId).toBe(attr('file-transfer-id'));
          }
          const fp = attr('fingerprint');
          if (fp !== undefined) {
            expect(ms.fingerprint?.algorithm).toBe(fp.split(' ')[0]?.toLowerCase());
            expect(ms.fingerprint?.value.startsWith((fp.split(' ')[1] ?? '').replace(/\.\.\.$/, ''))).toBe(true);
          }
        }
      });

      it('agrees with the endpoints\' own log (Call-ID, who hung up, offer/answer SDP, file)', () => {
        const logFile = path.join(CORPUS, 'clientlogs', `${file}.scenario.json`);
        if (!existsSync(logFile)) return;
        const log = JSON.parse(readFileSync(logFile, 'utf8')) as {
          call_id: string;
          bye?: { from: string };
          sdp_offer?: string;
          sdp_answer?: string;
          file?: { name: string; size: number; sha1: string; file_transfer_id: string };
        };
        const d = run.tracker.dialog(log.call_id);
        expect(d).toBeDefined();
        if (!d) return;
        if (log.bye) expect(d.byeFrom).toBe(log.bye.from === 'alice' ? 'caller' : 'callee');
        if (log.sdp_offer !== undefined) expect(d.offer?.text).toBe(log.sdp_offer);
        if (log.sdp_answer !== undefined) expect(d.answer?.text).toBe(log.sdp_answer);
        if (log.file) {
          for (const ex of [d.offer, d.answer]) {
            const fs = ex?.msrp[0]?.fileSelector;
            expect(fs?.name).toBe(log.file.name);
            expect(fs?.size).toBe(log.file.size);
            expect(fs?.hash).toEqual({ algorithm: 'sha-1', hex: log.file.sha1.toLowerCase() });
            expect(ex?.msrp[0]?.fileTransferId).toBe(log.file.file_transfer_id);
          }
          expect(d.offer?.msrp[0]?.fileDisposition).toBeDefined();
        }
      });

      it('learns the MSRP ports of the session from SDP', () => {
        const ports = run.tracker.msrpPorts();
        for (const ts of truth.sdps) expect(ports.has(Number(ts.m.split(' ')[1]))).toBe(true);
        // Every clear-text MSRP stream of the capture has one end on a port the SDP announced.
        for (const pair of truth.msrpStreamPorts) expect(pair.some((p) => ports.has(p))).toBe(true);
        const ids = new Set(run.tracker.dialogs().flatMap((d) => d.msrpSessionIds));
        for (const ts of truth.sdps) {
          const p = ts.attrs.find((a) => a[0] === 'path')?.[1] ?? '';
          expect(ids.has(/\/([^/;]+);[^/]*$/.exec(p)?.[1] ?? '')).toBe(true);
        }
      });
    });
  }

  it('finds no SIP in the captures without SIP (MSRP relay, msrp-node-lib, WebSocket)', async () => {
    const others = readdirSync(CORPUS).filter((f) => /\.(pcap|pcapng)$/.test(f) && !f.startsWith('sip_'));
    expect(others.length).toBeGreaterThan(10);
    for (const f of others) {
      const truth = readFileSync(path.join(CORPUS, `${f}.truth.md`), 'utf8');
      expect(truth.includes('## SIP')).toBe(false);
      const r = await runSip(f);
      expect([f, r.messages.length, r.diagnostics.length]).toEqual([f, 0, 0]);
    }
  });
});
