#!/usr/bin/env node
// Test launcher for the TUI (end-to-end tests under tmux): runs the built pipeline (dist/) on a capture
// and opens the viewer. `node test/tui/launch-tui.mjs CAPTURE` reads a file; `-` reads the capture from
// stdin and the keys from /dev/tty; `--live` opens the viewer first and fills it while reading.
// Exits with runTui's exit code.
import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';

const dist = new URL('../../dist/', import.meta.url);
const { runPipeline } = await import(new URL('cli/pipeline.js', dist).href);
const { Correlator } = await import(new URL('model/correlator.js', dist).href);
const { buildJsonDocument } = await import(new URL('export/json.js', dist).href);
const { liveModelIndex } = await import(new URL('cli/tui-mode.js', dist).href);
const { runTui } = await import(new URL('tui/app.js', dist).href);

const args = process.argv.slice(2);
const live = args.includes('--live');
const file = args.find((a) => a !== '--live') ?? new URL('../../samples/chat.pcap', import.meta.url).pathname;
const fromStdin = file === '-';

let input = process.stdin;
if (fromStdin) input = new ReadStream(openSync('/dev/tty', 'r'));

const store = new Correlator();
const sources = [{ name: fromStdin ? '-' : file, input: fromStdin ? process.stdin : file }];
const body = (i) => store.view().messages()[i]?.preview ?? null;
const cut = (t, part) => store.view().cutFrame(t, part);

let code;
if (live) {
  // As src/cli/tui-mode.ts: a model index made again at each redraw while the capture is read.
  const doc = liveModelIndex(store);
  const listeners = new Set();
  store.onEvent(() => {
    for (const l of listeners) l();
  });
  const tui = runTui({
    getDocument: () => doc.document(),
    subscribe: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    live: true,
    input,
    title: 'msrpscope',
    getBody: body,
    getCut: cut,
  });
  await runPipeline({ sources, model: store });
  for (const l of listeners) l();
  code = await tui;
} else {
  await runPipeline({ sources, model: store });
  const doc = buildJsonDocument(store.view());
  code = await runTui({ getDocument: () => doc, input, title: 'msrpscope', getBody: body, getCut: cut });
}
if (fromStdin) input.destroy();
process.exitCode = code;
