import type { CaptureRecord } from '../../src/capture/types.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import type { PacketDecoderOptions } from '../../src/net/decoder.js';
import { linkTypeOf } from '../../src/net/build.js';
import type { LinkKind } from '../../src/net/build.js';
import type { Segment } from '../../src/net/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';

export function record(
  data: Buffer,
  link: LinkKind | number = 'ether',
  over: Partial<CaptureRecord> = {},
): CaptureRecord {
  return {
    frame: 1,
    tsSec: 1000,
    tsNsec: 0,
    linkType: typeof link === 'number' ? link : linkTypeOf(link),
    interfaceId: 0,
    data,
    originalLength: data.length,
    ...over,
  };
}

export interface Run {
  decoder: PacketDecoder;
  diags: Diagnostic[];
  segments: Array<Segment | undefined>;
}

/** Decodes frames in order, numbering them 1.. and spacing them `step` seconds apart (default 0). */
export function decodeFrames(
  frames: Buffer[],
  link: LinkKind | number = 'ether',
  opts: PacketDecoderOptions & { step?: number; finish?: boolean } = {},
): Run {
  const diags: Diagnostic[] = [];
  const decoder = new PacketDecoder({ ...opts, onDiagnostic: (d) => diags.push(d) });
  const step = opts.step ?? 0;
  const segments = frames.map((f, i) =>
    decoder.decode(record(f, link, { frame: i + 1, tsSec: 1000 + Math.floor(i * step), tsNsec: 0 })),
  );
  if (opts.finish === true) decoder.finish();
  return { decoder, diags, segments };
}

export function decodeOne(frame: Buffer, link: LinkKind | number = 'ether', over: Partial<CaptureRecord> = {}): Run {
  const diags: Diagnostic[] = [];
  const decoder = new PacketDecoder({ onDiagnostic: (d) => diags.push(d) });
  const seg = decoder.decode(record(frame, link, over));
  return { decoder, diags, segments: [seg] };
}

export function codes(diags: Diagnostic[]): string[] {
  return diags.map((d) => d.code);
}
