/** The TUI's file writing (`W` saves a ladder): output-file.ts behind the viewer's FileSaver interface. */
import { statSync } from 'node:fs';
import type { FileSaver } from '../tui/screens/file-prompt.js';
import { checkTarget, OutputFile } from './output-file.js';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export const tuiFileSaver: FileSaver = {
  check(path) {
    const exists = isFile(path);
    try {
      checkTarget(path, { force: exists });
      return { ok: true, exists };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  },
  write(path, data, force) {
    const file = OutputFile.open(path, { force });
    file.write(data);
    file.commit();
    return file.written;
  },
};
