import { describe, expect, it } from 'vitest';
import { filterText } from '../../src/export/filter.js';

describe('filterText', () => {
  it('writes every filter as its command-line option (the HTML report header)', () => {
    expect(filterText({})).toBe('');
    expect(
      filterText({ session: '2', message: 'abc', method: 'SEND', address: '10.0.0.1', port: 2855, connection: 3, states: ['aborted', 'complete'], delivery: ['failed'] }),
    ).toBe('--session 2 --message abc --method SEND --address 10.0.0.1:2855 --connection 3 --state aborted,complete --delivery failed');
    expect(filterText({ connection: 0 })).toBe('--connection 0');
  });
});
