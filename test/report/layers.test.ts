/** src/report is a layer beside the TUI: it reads export and format, and never imports tui or cli. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../tui/fixtures.js';

describe('src/report imports', () => {
  it('reaches only export, format, util and itself (and node:)', () => {
    const dir = join(ROOT, 'src', 'report');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
        expect(spec, `${f} imports ${spec}`).toMatch(/^(node:|\.\/|\.\.\/(export|format|util)\/)/);
      }
    }
  });
});
