import { readAllRecords } from '../../src/capture/reader.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import { TcpReassembler } from '../../src/tcp/reassembler.js';
import type { TcpSink } from '../../src/tcp/types.js';

/** capture → net → tcp: every TCP segment of a capture file reassembled into `sink` (UDP is left out). */
export async function feedTcp(file: string, sink: TcpSink): Promise<void> {
  const tcp = new TcpReassembler(sink);
  const decoder = new PacketDecoder();
  const { records } = await readAllRecords(file);
  for (const rec of records) {
    const seg = decoder.decode(rec);
    if (seg !== undefined && seg.proto === 'tcp') tcp.push(seg);
  }
  tcp.end();
}
