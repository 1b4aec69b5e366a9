import { describe, expect, it, vi } from 'vitest';
import { Progress } from '../../src/cli/progress.js';

describe('progress line', () => {
  it('redraws at most 10 times a second, shows percent, MB/s and ETA, and erases itself', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const writes: string[] = [];
    const out = { write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
    const p = new Progress(100e6, out);
    vi.setSystemTime(1000);
    p.update(50e6);
    p.update(51e6); // same instant: not drawn
    vi.setSystemTime(1050);
    p.update(52e6); // 50 ms later: not drawn
    expect(writes).toEqual(['\rreading 50.0%  50 MB/s  ETA 1s\x1b[K']);
    vi.setSystemTime(1200);
    p.update(60e6);
    expect(writes).toHaveLength(2);
    p.finish();
    expect(writes[2]).toBe('\r\x1b[K');
    vi.useRealTimers();
  });
});
