import type { Readable } from 'node:stream';
import { openCapture } from '../capture/reader.js';
import type { CaptureInfo, CaptureRecord, DescriptorSource, FrameRef } from '../capture/types.js';
import { PacketDecoder } from '../net/decoder.js';
import { TcpReassembler } from '../tcp/reassembler.js';
import type { CloseReason, Dir, TcpConnection, TcpSink } from '../tcp/types.js';
import { MsrpTap } from '../msrp/tap.js';
import type { MsrpFrame } from '../msrp/types.js';
import { SipTraffic } from '../sip/traffic.js';
import { TransportDemux } from '../transport/demux.js';
import type { ModelInput } from '../model/model-input.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { mergeCaptureInfo } from './capture-merge.js';
import { SECRETS_TYPE_TLS_KEYLOG } from '../capture/types.js';
import type { KeyRing } from './keylog.js';
import type { FrameLog } from './frame-log.js';
import type { RecordOpener } from '../transport/tls-record-opener.js';

/** Packets between two onProgress calls within a batch (a power of two). */
const CHECK_EVERY_MASK = 1024 - 1;

export interface PipelineSource {
  /** Shown in the JSON `capture.files`; '-' for stdin. */
  name: string;
  /** A path, standard input, or a stream (a test's pipe, tcpdump's stdout). */
  input: string | DescriptorSource | Readable;
}

export interface PipelineOptions {
  sources: PipelineSource[];
  model: ModelInput;
  /** Extra TCP ports parsed as MSRP from their first byte (decode-as). */
  msrpPorts?: number[];
  /** Extra ports parsed as SIP. */
  sipPorts?: number[];
  /** Hash message bodies (sha256) in the parser. */
  hashBodies?: boolean;
  /** Key material for TLS decryption; pcapng Decryption Secrets Blocks are added to it as they are read. */
  keys?: KeyRing;
  /**
   * Opens protected TLS records (decrypt-ahead.ts: taken from a worker that opened them ahead); release() is called
   * after each batch of packets, once nothing reads the plaintext handed out in it. Absent: each record's decrypter.
   */
  recordOpener?: RecordOpener & { release(): void };
  /** Called after a pcapng Decryption Secrets Block's keys were added. */
  onSecretsBlock?: () => void;
  /** Remembers the frames of every TCP connection and SIP dialog (for -w); absent, nothing is remembered. */
  frameLog?: FrameLog;
  /**
   * Called after each batch of records, and every 1,024 records within one (the heap check of cli/heap.ts rides
   * on it), with the (approximate) count of input bytes consumed so far.
   */
  onProgress?: (bytes: number) => void;
  /**
   * Called after each batch of records: a promise returned makes reading wait for it (an output's text is
   * queued, not yet written: a slow pipe). Reading the capture never runs ahead of writing the results.
   */
  pace?: () => Promise<void> | undefined;
}

export interface PipelineResult {
  info: CaptureInfo;
  segments: { tcp: number; udp: number; skipped: number };
  /** True when a capture was cut short or a corrupt part was skipped. */
  damaged: boolean;
}

/**
 * MSRPSCOPE_READ_CHECK=<bytes>: read files in chunks of that size and poison each buffer before it is reused,
 * so that a stage keeping a view of packet bytes past its batch changes the output (the tests run the
 * pinned outputs this way).
 */
export function readCheck(): { chunkBytes?: number; poisonReusedChunks?: boolean } {
  const v = process.env.MSRPSCOPE_READ_CHECK;
  if (v === undefined || !/^\d+$/.test(v)) return {};
  return { chunkBytes: Math.max(16, Number(v)), poisonReusedChunks: true };
}

/**
 * Reads every source in order as one capture and pushes it through the stages into the model:
 * records → decoder → TCP reassembly → transport demux → (MSRP tap, SIP) → model; UDP goes to SIP directly.
 * Open events reach the model first and close events last, so frames the parsers flush at close are
 * accounted while the connection is still open in the model. A closed connection is settled (its
 * unanswered requests flagged, its close announced) when input for another connection reaches the model,
 * or at the end.
 */
export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const model = opts.model;
  const diagnostic = (d: Diagnostic): void => model.diagnostic(d);
  // One Segment object refilled per packet: the reassembler and the SIP datagram parser copy what they keep.
  const decoder = new PacketDecoder({ onDiagnostic: diagnostic, reuseSegments: true });
  const tap = new MsrpTap(
    {
      frame: (conn: TcpConnection, dir: Dir, m: MsrpFrame) => {
        model.settleClosed(conn.id);
        model.msrpFrame(conn, dir, m);
      },
      head: (conn: TcpConnection, dir: Dir, m: MsrpFrame) => {
        model.settleClosed(conn.id);
        model.msrpHead(conn, dir, m);
      },
      body: (conn: TcpConnection, dir: Dir, slice: Buffer, from: FrameRef) => model.msrpBody(conn, dir, slice, from),
      diagnostic,
      msrpConnection: (conn: TcpConnection) => {
        model.settleClosed(conn.id);
        model.msrpConnection(conn);
      },
    },
    // The model collects its own preview from the body slices: the frames' bodyPreview copy is not needed.
    { ports: opts.msrpPorts ?? [], hashBodies: opts.hashBodies ?? false, previewBytes: 0 },
  );
  // MSRP endpoints announced in SDP are parsed as MSRP from their first byte (mid-stream captures).
  model.onMsrpEndpoint((ep) => tap.expectMsrp(ep.address, ep.port));
  const frameLog = opts.frameLog;
  const sip = new SipTraffic(
    (msg) => {
      // A message over UDP is parsed while its datagram is the decoder's latest: its fragments are the decoder's.
      if (frameLog !== undefined && msg.callId !== undefined) {
        frameLog.sipMessage(msg.callId, msg.connection, msg.firstFrame.frame, decoder.fragmentFrames);
      }
      model.sipMessage(msg);
    },
    {
      onDiagnostic: diagnostic,
      sipPorts: [5060, ...(opts.sipPorts ?? [])],
    },
  );
  // Behind the transport demux: clear-text streams as they are, WebSocket payloads deframed, TLS withheld.
  const parsers: TcpSink = {
    open(conn) {
      tap.open(conn);
      sip.open(conn);
    },
    data(conn, dir, bytes, from) {
      tap.data(conn, dir, bytes, from);
      sip.data(conn, dir, bytes, from);
    },
    gap(conn, dir, length, at) {
      tap.gap(conn, dir, length, at);
      sip.gap(conn, dir, length, at);
    },
    close(conn, reason) {
      tap.close(conn, reason);
      sip.close(conn, reason);
    },
  };
  const keys = opts.keys;
  const opener = opts.recordOpener;
  const transport = new TransportDemux(parsers, { onDiagnostic: diagnostic, keys: () => (keys?.active === true ? keys : undefined), opener });
  model.useTransportFacts(transport.facts);
  const streams: TcpSink = {
    open(conn) {
      model.settleClosed(conn.id);
      model.connectionOpened(conn);
      transport.open(conn);
    },
    data(conn, dir, bytes, from) {
      transport.data(conn, dir, bytes, from);
    },
    gap(conn, dir, length, at) {
      transport.gap(conn, dir, length, at);
    },
    close(conn: TcpConnection, reason: CloseReason) {
      transport.close(conn, reason);
      model.connectionClosed(conn, reason);
    },
  };
  const tcp = new TcpReassembler(streams, { onDiagnostic: diagnostic });

  const infos: CaptureInfo[] = [];
  let frameOffset = 0;
  let bytesBefore = 0;
  for (const source of opts.sources) {
    const base = frameOffset;
    // Record objects and read buffers refilled batch after batch: the stages copy what they keep.
    const reader = await openCapture(source.input, {
      reuseRecords: true,
      reuseChunks: true,
      ...readCheck(),
      onDiagnostic: diagnostic,
      onSecrets: (sec) => {
        if (sec.type !== SECRETS_TYPE_TLS_KEYLOG) return;
        keys?.addSecrets(sec.data, sec.beforeFrame + base);
        opts.onSecretsBlock?.();
      },
    });
    if (infos.length === 0) model.captureStarted(reader.info);
    // Record headers are ~16 bytes in pcap and ~32 in pcapng: close enough for a progress meter.
    const progress = (): void => {
      const info = reader.info;
      opts.onProgress?.(bytesBefore + info.bytes + info.packets * 24);
    };
    for await (const batch of reader) {
      // The reader's facts are refreshed when read, and the model reads them while reading (NDJSON's time precision,
      // which a pcapng interface block sets): they are made current before the batch's packets reach it. They were
      // refreshed only by a progress meter, so a pcapng whose first read ended before its interface block (a pipe, or
      // MSRPSCOPE_READ_CHECK) had its NDJSON times written without their fraction.
      void reader.info;
      for (let i = 0; i < batch.length; i++) {
        const rec = batch[i] as CaptureRecord;
        // Within a read of 1 MiB too (about 3,000 packets): the heap check holds the young generation as it grows.
        if ((i & CHECK_EVERY_MASK) === CHECK_EVERY_MASK) progress();
        if (frameOffset !== 0) rec.frame += frameOffset;
        const seg = decoder.decode(rec);
        if (seg === undefined) continue;
        if (seg.proto === 'tcp') {
          const id = tcp.push(seg);
          frameLog?.tcpFrame(id, seg.frame, decoder.fragmentFrames);
        } else {
          sip.udp(seg);
        }
      }
      opener?.release();
      progress();
      const wait = opts.pace?.();
      if (wait !== undefined) await wait;
    }
    const info = reader.info;
    if (frameOffset !== 0) {
      if (info.first) info.first = { ...info.first, frame: info.first.frame + frameOffset };
      if (info.last) info.last = { ...info.last, frame: info.last.frame + frameOffset };
    }
    frameOffset += info.packets;
    frameLog?.fileRead(info.packets);
    bytesBefore += info.bytes + info.packets * 24;
    infos.push(info);
  }
  decoder.finish();
  tcp.end();
  sip.end();
  const info = mergeCaptureInfo(infos);
  model.finish({
    files: opts.sources.map((s) => s.name),
    info,
    decode: decoder.stats,
    bytesSkipped: tap.stats.bytesSkipped,
    tlsConnections: transport.stats.tls,
  });
  return {
    info,
    segments: { tcp: decoder.stats.tcp, udp: decoder.stats.udp, skipped: decoder.stats.skipped },
    damaged: info.truncated,
  };
}
