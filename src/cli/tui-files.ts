/** The TUI's file writing (`W` saves a ladder): output-file.ts behind the viewer's FileSaver interface. */
import type { FileSaver } from '../tui/screens/file-prompt.js';
import { checkTarget, OutputFile } from './output-file.js';

export const tuiFileSaver: FileSaver = {
  check(path) {
    try {
      return { ok: true, exists: checkTarget(path, { force: true }) };
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
