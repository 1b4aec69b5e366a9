/** `--ndjson`: one JSON record per line, written as soon as the model knows it. */
import { createNdjsonWriter } from '../../export/ndjson.js';
import { isEmptyFilter } from '../../export/filter.js';
import { ndjsonStreamFilter } from '../../export/ndjson-filter.js';
import { terminalSafeJson } from '../../export/json-safe.js';
import type { Output, OutputSink } from './output.js';

/** Characters of lines gathered before a write of their own (a write per line costs a system call each). */
const BATCH = 64 * 1024;

/**
 * Lines gathered and written together: when BATCH characters are pending, and at the latest once the code
 * that produced them returns (a microtask), so a live capture's records still show up as its packets are read.
 * The lines come as JSON.stringify made them and a batch is escaped as one text (terminalSafeJson): by the
 * sink, on the bytes it encodes for writing, when it can (writeJson), instead of a length and a character scan
 * of every line (a 200 MB chat capture's NDJSON is 310,000 lines, mostly not ASCII).
 */
function batchedLines(sink: OutputSink): { add: (line: string) => void; flush: () => void } {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending;
    pending = '';
    if (sink.writeJson !== undefined) sink.writeJson(text);
    else sink.write(terminalSafeJson(text));
  };
  return {
    add(line) {
      pending += `${line}\n`;
      if (pending.length >= BATCH) flush();
      else if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    flush,
  };
}

export const ndjsonOutput: Output<true> = {
  name: 'ndjson',
  options: [{ flags: '--ndjson', description: 'write one JSON record per line as soon as it is known' }],
  primary: true,
  // Each record is written as it happens: the lines need no transaction kept afterwards, and of a message whose
  // line is written only its counts (the summary line).
  keeps: { bodies: false, hashes: true, transactions: false, previews: 'text', messages: 'counts' },
  requested: (o) => (o.ndjson === true ? true : undefined),
  attach(model, _arg, sink, settings) {
    const filtering = !isEmptyFilter(settings.filter);
    const matches = ndjsonStreamFilter(settings.filter);
    const lines = batchedLines(sink);
    createNdjsonWriter(
      model,
      (line) => {
        if (filtering && !matches(line)) return;
        lines.add(line);
      },
      false,
    );
    // The summary is the last line: written out with it, before anything that runs after the analysis.
    model.onEvent((e) => {
      if (e.type === 'summary') lines.flush();
    });
  },
};
