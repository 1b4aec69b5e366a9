/**
 * vitest globalSetup: build dist/bundle/ (scripts/bundle.mjs, from src/) before any test file runs, so that the
 * tests running bin/msrpscope exercise the bundle of the current sources even when only `tsc` ran before.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: root, stdio: 'inherit' });
}
