/**
 * Writes the frames of a selection (connections, SIP dialogs) to a pcapng or classic pcap file: the capture
 * files that hold selected frames are read a second time and the frames the first pass remembered
 * (frame-log.ts) are copied as they were (captured and original length, timestamp, link type; one interface
 * block per input interface), block by block into an OutputFile (never the whole capture in memory). TLS
 * secrets of the selected connections go into a Decryption Secrets Block before the first packet.
 */
import { openCapture } from '../capture/reader.js';
import { PcapngStreamWriter, PcapStreamWriter } from '../capture/writer.js';
import { linkTypeName } from '../net/decoder.js';
import { selectionText, type WriteSelection } from '../export/frame-selection.js';
import { keyLogLines } from '../transport/tls-keylog.js';
import { escapeText } from '../util/escape.js';
import { CliError, EXIT_UNREADABLE } from './errors.js';
import type { FrameLog } from './frame-log.js';
import type { KeyRing } from './keylog.js';
import { OutputFile } from './output-file.js';

/** What writing frames needs from the analysis: the capture files again, and what the first pass remembered. */
export interface CaptureAccess {
  /** The capture files in the order they were read (frame numbers continue across them). */
  files: readonly string[];
  frames: FrameLog;
  keys: KeyRing | undefined;
}

export interface WriteFramesOptions {
  force: boolean;
  /** Fraction digits of the capture's timestamps (9: nanoseconds are kept, if_tsresol 9). */
  timestampDigits: number;
}

export interface WriteFramesResult {
  frames: number;
  connections: number;
  dialogs: number;
  /** Key log lines written into the file (pcapng). */
  secrets: number;
  /** One-line warnings (a classic pcap cannot carry the secrets). */
  warnings: string[];
}

/** `wrote 123 frames of 2 connections and 1 SIP dialog to out.pcapng (with 4 TLS secrets)` */
export function writeResultText(r: WriteFramesResult, path: string): string {
  const secrets = r.secrets > 0 ? ` (with ${r.secrets} TLS secrets)` : '';
  return `wrote ${r.frames} frames of ${selectionText(r.connections, r.dialogs)} to ${escapeText(path)}${secrets}`;
}

/** Classic pcap when the name ends in .pcap, else pcapng. */
function isClassicPcap(path: string): boolean {
  return path.toLowerCase().endsWith('.pcap');
}

/** The key log lines of the selected TLS connections, as the key material of the first pass knows them. */
function secretLines(access: CaptureAccess, sel: WriteSelection): string[] {
  const out: string[] = [];
  const keys = access.keys;
  if (keys === undefined) return out;
  for (const cr of sel.clientRandoms) {
    const s = keys.get(Buffer.from(cr, 'hex'));
    if (s !== undefined) out.push(...keyLogLines(cr, s));
  }
  return out;
}

export async function writeSelectedFrames(access: CaptureAccess, sel: WriteSelection, path: string, opts: WriteFramesOptions): Promise<WriteFramesResult> {
  const wanted = access.frames.select(sel.connections, sel.callIds);
  const classic = isClassicPcap(path);
  const lines = secretLines(access, sel);
  const warnings: string[] = [];
  if (classic && lines.length > 0) {
    warnings.push(`${escapeText(path)}: classic pcap cannot carry the TLS secrets of these connections; write .pcapng to keep them`);
  }
  const ns = opts.timestampDigits > 6;
  const file = OutputFile.open(path, { force: opts.force });
  try {
    const write = (b: Buffer): void => file.write(b);
    let ng: PcapngStreamWriter | undefined;
    let pcap: PcapStreamWriter | undefined;
    if (!classic) {
      ng = new PcapngStreamWriter(write);
      if (lines.length > 0) ng.secrets(Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
    }
    const interfaces = new Map<string, number>();
    let next = 0;
    let offset = 0;
    const counts = access.frames.filePackets;
    for (const [fileIndex, name] of access.files.entries()) {
      if (next >= wanted.length) break;
      const count = counts[fileIndex];
      // A file that holds none of the wanted frames is not read again.
      if (count !== undefined && wanted[next]! > offset + count) {
        offset += count;
        continue;
      }
      // Record objects and read buffers refilled batch after batch: the writers copy the packet bytes.
      const reader = await openCapture(name, { reuseRecords: true, reuseChunks: true });
      for await (const batch of reader) {
        for (const rec of batch) {
          const frame = rec.frame + offset;
          if (frame !== wanted[next]) continue;
          next++;
          if (ng !== undefined) {
            const key = `${fileIndex}/${rec.interfaceId}`;
            let ifId = interfaces.get(key);
            if (ifId === undefined) {
              ifId = ng.addInterface({ linkType: rec.linkType, tsresol: ns ? 9 : undefined });
              interfaces.set(key, ifId);
            }
            ng.packet(ifId, rec.tsSec, rec.tsNsec, rec.data, rec.originalLength);
          } else {
            pcap ??= new PcapStreamWriter(write, { linkType: rec.linkType, nanosecond: ns });
            if (rec.linkType !== pcap.linkType) {
              throw new CliError(
                `cannot write ${escapeText(path)}: the frames have several link types (${linkTypeName(pcap.linkType)}, ${linkTypeName(rec.linkType)}) and a classic pcap holds one; write .pcapng`,
                EXIT_UNREADABLE,
              );
            }
            pcap.packet(rec.tsSec, rec.tsNsec, rec.data, rec.originalLength);
          }
        }
        if (next >= wanted.length) break;
      }
      offset += count ?? reader.info.packets;
    }
    if (next < wanted.length) {
      throw new CliError(`cannot write ${escapeText(path)}: the capture changed since it was read (frame ${wanted[next]} not found)`, EXIT_UNREADABLE);
    }
    if (classic && pcap === undefined) new PcapStreamWriter(write, { linkType: 1, nanosecond: ns });
    file.commit();
  } catch (e) {
    file.abort();
    throw e;
  }
  return {
    frames: wanted.length,
    connections: sel.connections.length,
    dialogs: sel.callIds.length,
    secrets: classic ? 0 : lines.length,
    warnings,
  };
}
