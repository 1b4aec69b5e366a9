/**
 * The thread that opens TLS records ahead of the analysis (decrypt-ahead.ts): it reads the same capture files
 * through the same stages up to TLS (reader, packet decoder, TCP reassembly, transport demux with the same key
 * material), so it meets the same records in the same order, and writes each one's plaintext to the shared ring
 * instead of passing it on. Nothing above TLS runs here.
 */
import { openCapture } from '../capture/reader.js';
import { SECRETS_TYPE_TLS_KEYLOG } from '../capture/types.js';
import { PacketDecoder } from '../net/decoder.js';
import { TcpReassembler } from '../tcp/reassembler.js';
import type { TcpSink } from '../tcp/types.js';
import { TransportDemux } from '../transport/demux.js';
import type { RecordOpener } from '../transport/tls-record-opener.js';
import { RingWriter, STATE_DONE, STATE_FAILED } from './decrypt-ahead-ring.js';
import { KeyRing } from './keylog.js';

/** What the analysis gives the thread (worker_threads' workerData). */
export interface DecryptAheadData {
  role: 'msrpscope-decrypt-ahead';
  /** The capture files, in the analysis's order. */
  sources: string[];
  /** The key log files (read once: a followed one is never given here). */
  keylogs: string[];
  memory: SharedArrayBuffer;
}

/** The ring is full and the reader has not made room: the analysis has gone on without this thread. */
class ReaderGone extends Error {}

const NOTHING: TcpSink = { open: () => undefined, data: () => undefined, gap: () => undefined, close: () => undefined };

export async function runDecryptAheadWorker(data: DecryptAheadData): Promise<void> {
  const writer = new RingWriter(data.memory);
  try {
    const keys = new KeyRing(() => undefined);
    for (const f of data.keylogs) keys.addFile(f, false);
    const opener: RecordOpener = {
      open(connection, dir, dec, type, version, body) {
        const seq = dec.seq;
        const r = dec.open(type, version, body);
        if (!writer.write({ connection, dir, seq, body }, r.ok, r.ok ? r.type : 0, r.ok ? r.plaintext : undefined)) throw new ReaderGone();
        return r;
      },
    };
    // The analysis's stages below MSRP and SIP, with their options (cli/pipeline.ts).
    const decoder = new PacketDecoder({ reuseSegments: true });
    const transport = new TransportDemux(NOTHING, { keys: () => (keys.active ? keys : undefined), opener });
    const tcp = new TcpReassembler(transport);
    let frameOffset = 0;
    for (const path of data.sources) {
      const base = frameOffset;
      const reader = await openCapture(path, {
        reuseRecords: true,
        reuseChunks: true,
        onSecrets: (sec) => {
          if (sec.type === SECRETS_TYPE_TLS_KEYLOG) keys.addSecrets(sec.data, sec.beforeFrame + base);
        },
      });
      for await (const batch of reader) {
        for (const rec of batch) {
          if (frameOffset !== 0) rec.frame += frameOffset;
          const seg = decoder.decode(rec);
          if (seg !== undefined && seg.proto === 'tcp') tcp.push(seg);
        }
      }
      frameOffset += reader.info.packets;
    }
    decoder.finish();
    tcp.end();
    writer.finish(STATE_DONE);
  } catch {
    // A read error, or the reader gone: the analysis opens the records it still meets itself.
    writer.finish(STATE_FAILED);
  }
}
