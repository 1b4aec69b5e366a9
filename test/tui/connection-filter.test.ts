/** `connection:N` in the TUI's filter prompt: the sessions using that connection, or the connection's own row. */
import { describe, expect, it } from 'vitest';
import { filterRows, parseFilter } from '../../src/format/filter.js';
import { rowHaystack, sessionRows } from '../../src/format/session-list.js';
import { built, corpusFile, HAVE_CORPUS } from './fixtures.js';

describe.skipIf(!HAVE_CORPUS)('connection:N on relay_abort_fail.pcap', () => {
  it('keeps the sessions with that connection, and the c<N> row of a connection outside any session', async () => {
    const doc = (await built(corpusFile('relay_abort_fail.pcap'))).doc;
    const rows = sessionRows(doc);
    const labels = (text: string): string[] => filterRows(rows, parseFilter(text), (r) => rowHaystack(doc, r)).map((r) => r.label);
    expect(rows.map((r) => r.label)).toEqual(['0', '1', '2', 'c1']);
    expect(labels('connection:0')).toEqual(['0', '1', '2']);
    expect(labels('connection:3')).toEqual(['0']);
    expect(labels('connection:1')).toEqual(['c1']);
    expect(labels('connection:1 connection:4')).toEqual(['0', 'c1']);
    expect(labels('connection:9')).toEqual([]);
    expect(parseFilter('connection:x').invalid).toEqual(['connection:x']);
  });
});
