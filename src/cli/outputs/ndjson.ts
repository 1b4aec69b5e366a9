/** `--ndjson`: one JSON record per line, written as soon as the model knows it. */
import { createNdjsonWriter } from '../../export/ndjson.js';
import { isEmptyFilter } from '../../export/filter.js';
import { ndjsonStreamFilter } from '../../export/ndjson-filter.js';
import type { Output } from './output.js';

export const ndjsonOutput: Output<true> = {
  name: 'ndjson',
  options: [{ flags: '--ndjson', description: 'write one JSON record per line as soon as it is known' }],
  primary: true,
  // Each record is written as it happens: the lines need no transaction kept afterwards.
  keeps: { bodies: false, hashes: true, transactions: false, previews: true },
  requested: (o) => (o.ndjson === true ? true : undefined),
  attach(model, _arg, sink, settings) {
    const filtering = !isEmptyFilter(settings.filter);
    const matches = ndjsonStreamFilter(settings.filter);
    createNdjsonWriter(model, (line) => {
      if (filtering && !matches(line)) return;
      sink.write(`${line}\n`);
    });
  },
};
