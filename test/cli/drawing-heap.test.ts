import { describe, expect, it } from 'vitest';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { join } from 'node:path';
import { analyze } from '../../src/cli/analyze.js';
import { chooseOutputs } from '../../src/cli/outputs/registry.js';
import { drawingHeap } from '../../src/cli/heap.js';
import type { FoldOptions } from '../../src/model/message-fold.js';

const CHAT = join(import.meta.dirname, '..', '..', 'samples', 'chat.pcap');

/** Runs the analysis of samples/chat.pcap with the outputs the options choose; returns how often beforeDrawing ran and the text written. */
async function run(options: Record<string, unknown>, foldMessages?: FoldOptions): Promise<{ calls: number; text: string }> {
  let calls = 0;
  let text = '';
  await analyze({
    foldMessages,
    sources: [{ name: CHAT, input: CHAT }],
    outputs: chooseOutputs(options, false),
    msrpPorts: [],
    sipPorts: [],
    filter: {},
    sinkFor: () => ({ write: (s) => void (text += s), warn: () => undefined }),
    warn: () => undefined,
    color: false,
    columns: 120,
    progressTotal: undefined,
    beforeDrawing: () => {
      // Called before anything is drawn.
      expect(text).toBe('');
      calls++;
    },
  });
  return { calls, text };
}

describe('the heap before drawing from every record', () => {
  it('is tightened once, before --ladder draws, and not for the streaming outputs', async () => {
    const ladder = await run({ ladder: true });
    expect(ladder.calls).toBe(1);
    expect(ladder.text).toContain('SEND');
    const summary = await run({ summary: true });
    expect(summary.calls).toBe(0);
    expect(summary.text).toContain('Messages:');
    expect((await run({ json: true })).calls).toBe(0);
  });

  it('is tightened before --json reads back records it wrote ahead, and not when it wrote none', async () => {
    // The CLI's folding for --json: nothing folds while fewer than 10,000 messages are held (the sample has a few).
    const none = await run({ json: true }, { keepFirst: 0, records: true });
    expect(none.calls).toBe(0);
    // Folding from the first message on: every settled message is written ahead, then read back.
    const ahead = await run({ json: true }, { keepFirst: 0, records: true, after: 0, idleMs: 0, settledMs: 0 });
    expect(ahead.calls).toBe(1);
    // Folded that early, the messages' REPORTs come after them (message-after-fold): the counts stay.
    const a = JSON.parse(ahead.text) as { summary: { messages: { total: number } } };
    const n = JSON.parse(none.text) as { summary: { messages: { total: number } } };
    expect(n.summary.messages.total).toBe(4);
    expect(a.summary.messages.total).toBe(4);
  });

  it('makes a full collection at once', async () => {
    const kinds: number[] = [];
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) kinds.push((e as unknown as { detail: { kind: number } }).detail.kind);
    });
    obs.observe({ entryTypes: ['gc'] });
    drawingHeap();
    // The observer is told on a later turn.
    await new Promise((r) => setTimeout(r, 50));
    obs.disconnect();
    expect(kinds).toContain(constants.NODE_PERFORMANCE_GC_MAJOR);
  });
});
