import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrameRef } from '../../src/capture/types.js';
import { WS_BINARY, WS_CLOSE, WS_CONTINUATION, WS_PING, WS_PONG, WS_TEXT, WsDeframer } from '../../src/transport/websocket.js';
import { cut, ref, wsFrame, type FrameSpec } from './helpers.js';

type Ev =
  | { e: 'frame'; fin: boolean; rsv: number; opcode: number; masked: boolean; length: number; offset: number; start: boolean }
  | { e: 'payload'; hex: string }
  | { e: 'end'; fin: boolean }
  | { e: 'control'; opcode: number; hex: string }
  | { e: 'diag'; code: string; detail: string; offset: number };

interface Run {
  events: Ev[];
  /** Payload bytes with the frame each piece came from. */
  froms: number[];
  broken: boolean;
  midFrame: boolean;
  midMessage: boolean;
  offset: number;
}

/** Pushes the pieces (frame numbers 1, 2, ...) and returns normalised events: consecutive payload pieces merged. */
function run(pieces: Buffer[], allowedRsv = 0): Run {
  const events: Ev[] = [];
  const froms: number[] = [];
  const d = new WsDeframer(
    {
      frame: (h) =>
        events.push({ e: 'frame', fin: h.fin, rsv: h.rsv, opcode: h.opcode, masked: h.masked, length: h.length, offset: h.offset, start: h.messageStart }),
      payload: (bytes: Buffer, from: FrameRef) => {
        froms.push(from.frame);
        const last = events[events.length - 1];
        if (last?.e === 'payload') last.hex += bytes.toString('hex');
        else events.push({ e: 'payload', hex: bytes.toString('hex') });
      },
      frameEnd: (fin) => events.push({ e: 'end', fin }),
      control: (opcode, payload) => events.push({ e: 'control', opcode, hex: payload.toString('hex') }),
      diagnostic: (code, detail, _from, offset) => events.push({ e: 'diag', code, detail, offset }),
    },
    { allowedRsv },
  );
  pieces.forEach((p, i) => d.push(p, ref(i + 1)));
  return { events, froms, broken: d.broken, midFrame: d.midFrame, midMessage: d.midMessage, offset: d.offset };
}

const KEY = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

describe('WsDeframer: frames', () => {
  it('RFC 6455 section 5.7 examples', () => {
    // Unmasked "Hello", masked "Hello", fragmented unmasked "Hel"+"lo", unmasked ping "Hello", 256 and 65536 bytes binary.
    const stream = Buffer.concat([
      Buffer.from('810548656c6c6f', 'hex'),
      Buffer.from('818537fa213d7f9f4d5158', 'hex'),
      Buffer.from('010348656c', 'hex'),
      Buffer.from('80026c6f', 'hex'),
      Buffer.from('890548656c6c6f', 'hex'),
      Buffer.concat([Buffer.from('827e0100', 'hex'), Buffer.alloc(256, 0x61)]),
      Buffer.concat([Buffer.from('827f0000000000010000', 'hex'), Buffer.alloc(65536, 0x62)]),
    ]);
    const r = run([stream]);
    const hello = Buffer.from('Hello').toString('hex');
    expect(r.events.filter((e) => e.e === 'diag')).toEqual([]);
    expect(r.events.slice(0, 12)).toEqual([
      { e: 'frame', fin: true, rsv: 0, opcode: 1, masked: false, length: 5, offset: 0, start: true },
      { e: 'payload', hex: hello },
      { e: 'end', fin: true },
      { e: 'frame', fin: true, rsv: 0, opcode: 1, masked: true, length: 5, offset: 7, start: true },
      { e: 'payload', hex: hello },
      { e: 'end', fin: true },
      { e: 'frame', fin: false, rsv: 0, opcode: 1, masked: false, length: 3, offset: 18, start: true },
      { e: 'payload', hex: Buffer.from('Hel').toString('hex') },
      { e: 'end', fin: false },
      { e: 'frame', fin: true, rsv: 0, opcode: 0, masked: false, length: 2, offset: 23, start: false },
      { e: 'payload', hex: Buffer.from('lo').toString('hex') },
      { e: 'end', fin: true },
    ]);
    expect(r.events[13]).toEqual({ e: 'control', opcode: WS_PING, hex: hello });
    expect(r.events[14]).toMatchObject({ e: 'frame', opcode: 2, length: 256 });
    expect(r.events[15]).toEqual({ e: 'payload', hex: '61'.repeat(256) });
    expect(r.events[17]).toMatchObject({ e: 'frame', opcode: 2, length: 65536 });
    expect(r.events[18]).toEqual({ e: 'payload', hex: '62'.repeat(65536) });
    expect(r.offset).toBe(stream.length);
    expect(r.broken).toBe(false);
    expect(r.midFrame).toBe(false);
  });

  it('streams payload out before the frame is complete and keeps no more than the header', () => {
    const payload = Buffer.alloc(100_000, 0x41);
    const f = wsFrame({ opcode: WS_BINARY, payload, mask: KEY });
    const r = run([f.subarray(0, 5000)]);
    // 14-byte header, 4986 payload bytes already out, unmasked.
    expect(r.events).toEqual([
      { e: 'frame', fin: true, rsv: 0, opcode: 2, masked: true, length: 100_000, offset: 0, start: true },
      { e: 'payload', hex: '41'.repeat(4986) },
    ]);
    expect(r.midFrame).toBe(true);
    expect(r.midMessage).toBe(true);
  });

  it('unmasks with the key phase carried across pieces and does not modify the input', () => {
    const payload = Buffer.from('MSRP a786hjs2 SEND\r\nTo-Path: msrp://x.invalid:2855/s;ws\r\n-------a786hjs2$\r\n');
    const f = wsFrame({ opcode: WS_TEXT, payload, mask: Buffer.from([1, 2, 3, 4]) });
    const before = Buffer.from(f);
    for (let a = 1; a < f.length; a += 3) {
      const r = run([f.subarray(0, a), f.subarray(a)]);
      expect(r.events[1]).toEqual({ e: 'payload', hex: payload.toString('hex') });
    }
    expect(f.equals(before)).toBe(true);
  });

  it('close frame with code and reason; empty close; pong', () => {
    const reason = Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('bye ✓')]);
    const r = run([
      Buffer.concat([
        wsFrame({ opcode: WS_PONG, payload: 'p', mask: KEY }),
        wsFrame({ opcode: WS_CLOSE, payload: reason, mask: KEY }),
        wsFrame({ opcode: WS_CLOSE }),
      ]),
    ]);
    expect(r.events.filter((e) => e.e === 'control')).toEqual([
      { e: 'control', opcode: WS_PONG, hex: '70' },
      { e: 'control', opcode: WS_CLOSE, hex: reason.toString('hex') },
      { e: 'control', opcode: WS_CLOSE, hex: '' },
    ]);
  });

  it('control frames interleaved with fragments; zero-length data frames', () => {
    const r = run([
      Buffer.concat([
        wsFrame({ opcode: WS_TEXT, fin: false, payload: 'ab' }),
        wsFrame({ opcode: WS_PING, payload: 'x' }),
        wsFrame({ opcode: WS_CONTINUATION, fin: false, payload: '' }),
        wsFrame({ opcode: WS_PONG }),
        wsFrame({ opcode: WS_CONTINUATION, fin: true, payload: 'cd' }),
        wsFrame({ opcode: WS_BINARY, payload: '' }),
      ]),
    ]);
    expect(r.events.map((e) => (e.e === 'frame' ? `F${e.opcode}${e.fin ? '!' : ''}` : e.e === 'payload' ? Buffer.from(e.hex, 'hex').toString() : e.e === 'end' ? `E${e.fin ? '!' : ''}` : e.e === 'control' ? `C${e.opcode}` : e.code))).toEqual([
      'F1',
      'ab',
      'E',
      'F9!',
      'C9',
      'F0',
      'E',
      'F10!',
      'C10',
      'F0!',
      'cd',
      'E!',
      'F2!',
      'E!',
    ]);
    expect(r.broken).toBe(false);
    expect(r.midMessage).toBe(false);
  });

  it('non-minimal lengths are noted, not fatal', () => {
    const r = run([
      Buffer.concat([wsFrame({ opcode: WS_TEXT, payload: 'hi', lengthBits: 16 }), wsFrame({ opcode: WS_TEXT, payload: 'yo', lengthBits: 64 })]),
    ]);
    expect(r.events.filter((e) => e.e === 'diag').map((e) => (e as { detail: string }).detail)).toEqual([
      '16-bit length field holds 2',
      '64-bit length field holds 2',
    ]);
    expect(r.events.filter((e) => e.e === 'payload').length).toBe(2);
    expect(r.broken).toBe(false);
  });

  it('accepts the largest 64-bit length below 2^53 (and streams it)', () => {
    const f = wsFrame({ opcode: WS_BINARY, announced: 2n ** 53n - 1n, payload: 'abc' });
    const r = run([f]);
    expect(r.events).toEqual([
      { e: 'frame', fin: true, rsv: 0, opcode: 2, masked: false, length: 2 ** 53 - 1, offset: 0, start: true },
      { e: 'payload', hex: '616263' },
    ]);
    expect(r.broken).toBe(false);
  });
});

describe('WsDeframer: hostile frames', () => {
  const cases: [string, Buffer, string][] = [
    ['64-bit length 2^63', wsFrame({ opcode: WS_BINARY, announced: 2n ** 63n }), 'most significant bit set (0x8000000000000000)'],
    ['64-bit length 2^64-1', wsFrame({ opcode: WS_BINARY, announced: 2n ** 64n - 1n, mask: KEY }), 'most significant bit set'],
    ['64-bit length 2^53', wsFrame({ opcode: WS_TEXT, announced: 2n ** 53n }), 'is 2^53 or more'],
    ['reserved opcode 0x3', wsFrame({ opcode: 3, payload: 'x' }), 'reserved opcode 0x3'],
    ['reserved opcode 0x7', wsFrame({ opcode: 7, payload: 'x' }), 'reserved opcode 0x7'],
    ['reserved control opcode 0xb', wsFrame({ opcode: 0xb }), 'reserved opcode 0xb'],
    ['reserved control opcode 0xf', wsFrame({ opcode: 0xf, mask: KEY }), 'reserved opcode 0xf'],
    ['RSV1', wsFrame({ opcode: WS_TEXT, rsv: 4, payload: 'x' }), 'RSV bits 100 set without a negotiated extension'],
    ['RSV3', wsFrame({ opcode: WS_BINARY, rsv: 1, payload: 'x' }), 'RSV bits 001'],
    ['control frame of 126 bytes', wsFrame({ opcode: WS_PING, payload: Buffer.alloc(126) }), 'with 126 payload bytes (max 125)'],
    ['fragmented control frame', wsFrame({ opcode: WS_PONG, fin: false, payload: 'x' }), 'fragmented control frame'],
    ['continuation without a start', wsFrame({ opcode: WS_CONTINUATION, payload: 'x' }), 'continuation frame without a message start'],
    ['close with 1 byte', wsFrame({ opcode: WS_CLOSE, payload: 'x', mask: KEY }), 'close frame with a 1-byte payload'],
    [
      'text frame inside a fragmented message',
      Buffer.concat([wsFrame({ opcode: WS_TEXT, fin: false, payload: 'a' }), wsFrame({ opcode: WS_TEXT, payload: 'b' })]),
      'new text frame inside a fragmented message',
    ],
  ];

  for (const [name, bytes, detail] of cases) {
    it(`${name}: ws-protocol-error, broken, nothing after it (any split)`, () => {
      const follow = wsFrame({ opcode: WS_TEXT, payload: 'after' });
      const stream = Buffer.concat([bytes, follow]);
      const whole = run([stream]);
      const diags = whole.events.filter((e) => e.e === 'diag');
      expect(diags).toHaveLength(1);
      expect(diags[0]).toMatchObject({ code: 'ws-protocol-error' });
      expect((diags[0] as { detail: string }).detail).toContain(detail);
      expect(whole.broken).toBe(true);
      // Nothing of the following valid frame is reported.
      expect(whole.events.some((e) => e.e === 'payload' && Buffer.from(e.hex, 'hex').toString() === 'after')).toBe(false);
      expect(whole.offset).toBe(stream.length);
      for (let a = 1; a < stream.length; a++) {
        expect(run([stream.subarray(0, a), stream.subarray(a)]).events).toEqual(whole.events);
      }
      expect(run([...stream].map((b) => Buffer.from([b]))).events).toEqual(whole.events);
    });
  }

  it('RSV bits are accepted when an extension allows them', () => {
    const r = run([wsFrame({ opcode: WS_TEXT, rsv: 4, payload: 'x' })], 7);
    expect(r.broken).toBe(false);
    expect(r.events[0]).toMatchObject({ e: 'frame', rsv: 4 });
  });

  it('the error offset points at the offending frame', () => {
    const ok = wsFrame({ opcode: WS_TEXT, payload: 'hello', mask: KEY });
    const r = run([Buffer.concat([ok, wsFrame({ opcode: 5 })])]);
    expect(r.events.find((e) => e.e === 'diag')).toMatchObject({ offset: ok.length });
  });

  it('random bytes never throw and always make progress', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 400 }), fc.array(fc.nat(400), { maxLength: 6 }), (bytes, cuts) => {
        const b = Buffer.from(bytes);
        const whole = run([b]);
        const split = run(cut(b, cuts));
        expect(split.events).toEqual(whole.events);
        expect(split.offset).toBe(b.length);
      }),
      { numRuns: 500 },
    );
  });
});

/** A random well-formed frame sequence: data messages of 1..4 fragments, control frames between fragments. */
const arbPayload = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 140 }) },
  { weight: 1, arbitrary: fc.integer({ min: 126, max: 70_000 }).map((n) => new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff)) },
);
const arbControl = fc.record({
  opcode: fc.constantFrom(WS_PING, WS_PONG, WS_CLOSE),
  payload: fc.uint8Array({ maxLength: 125 }).filter((p) => p.length !== 1),
});
const arbMessage = fc.record({
  opcode: fc.constantFrom(WS_TEXT, WS_BINARY),
  fragments: fc.array(fc.record({ payload: arbPayload, control: fc.option(arbControl, { nil: undefined }) }), { minLength: 1, maxLength: 4 }),
});
const arbStream = fc.record({
  masked: fc.boolean(),
  key: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  messages: fc.array(arbMessage, { minLength: 1, maxLength: 5 }),
});

function encode(s: { masked: boolean; key: Uint8Array; messages: { opcode: number; fragments: { payload: Uint8Array; control: { opcode: number; payload: Uint8Array } | undefined }[] }[] }): {
  bytes: Buffer;
  expected: { data: string[]; controls: string[] };
} {
  const mask = s.masked ? Buffer.from(s.key) : undefined;
  const frames: Buffer[] = [];
  const data: string[] = [];
  const controls: string[] = [];
  for (const m of s.messages) {
    let msg = '';
    m.fragments.forEach((f, i) => {
      const spec: FrameSpec = { opcode: i === 0 ? m.opcode : WS_CONTINUATION, fin: i === m.fragments.length - 1, payload: Buffer.from(f.payload), mask };
      frames.push(wsFrame(spec));
      msg += Buffer.from(f.payload).toString('hex');
      if (f.control !== undefined && i < m.fragments.length - 1) {
        frames.push(wsFrame({ opcode: f.control.opcode, payload: Buffer.from(f.control.payload), mask }));
        controls.push(`${f.control.opcode}:${Buffer.from(f.control.payload).toString('hex')}`);
      }
    });
    data.push(msg);
  }
  return { bytes: Buffer.concat(frames), expected: { data, controls } };
}

describe('WsDeframer: any split gives identical output', () => {
  it('property: random frame sequences, random cuts', () => {
    fc.assert(
      fc.property(arbStream, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), (s, fractions) => {
        const { bytes, expected } = encode(s);
        const whole = run([bytes]);
        const split = run(cut(bytes, fractions.map((f) => Math.floor(f * bytes.length))));
        expect(split.events).toEqual(whole.events);
        expect(whole.broken).toBe(false);
        expect(whole.midFrame).toBe(false);
        // Messages reassembled from payload events equal what was framed.
        const msgs: string[] = [];
        let cur = '';
        for (const e of whole.events) {
          if (e.e === 'payload') cur += e.hex;
          if (e.e === 'end' && e.fin) {
            msgs.push(cur);
            cur = '';
          }
        }
        expect(msgs).toEqual(expected.data);
        expect(whole.events.filter((e) => e.e === 'control').map((e) => `${(e as { opcode: number }).opcode}:${(e as { hex: string }).hex}`)).toEqual(expected.controls);
        expect(whole.events.filter((e) => e.e === 'frame').every((e) => (e as { masked: boolean }).masked === s.masked)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('byte-by-byte pushes of a mixed stream', () => {
    const { bytes } = encode({
      masked: true,
      key: new Uint8Array([9, 8, 7, 6]),
      messages: [
        { opcode: WS_TEXT, fragments: [{ payload: new Uint8Array(300).fill(65), control: { opcode: WS_PING, payload: new Uint8Array([1, 2]) } }, { payload: new Uint8Array([66]), control: undefined }] },
        { opcode: WS_BINARY, fragments: [{ payload: new Uint8Array(70_000).fill(7), control: undefined }] },
      ],
    });
    const whole = run([bytes]);
    const bytewise = run([...bytes].map((b) => Buffer.from([b])));
    expect(bytewise.events).toEqual(whole.events);
    // Each payload byte came out in the frame (push) that carried it: frame numbers never decrease.
    expect(bytewise.froms.every((f, i) => i === 0 || f > bytewise.froms[i - 1]!)).toBe(true);
  });
});
