import { describe, expect, it } from 'vitest';
import { codesOf, expectClean, fuzz } from './helpers.js';

// End to end is ~30x dearer per case than a parser: fewer cases, the same checks plus JSON / NDJSON /
// summary output (the summary must hold no raw control or bidi character).
const CASES = 1500;

describe('bounded fuzz run: damaged captures end to end', () => {
  it('runPipeline → Store → JSON, NDJSON, summary', async () => {
    const r = await fuzz('pipeline', CASES);
    expectClean(r, CASES);
    for (const c of ['capture-corrupt-record', 'tcp-gap', 'resync', 'truncated-by-gap']) expect(codesOf(r)).toContain(c);
  });
});
