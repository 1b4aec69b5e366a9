/** Every output of the command line, in the order their options are listed in --help. */
import { CliError, EXIT_USAGE } from '../errors.js';
import { csvOutput } from './csv.js';
import { extractOutput } from './extract.js';
import { htmlOutput } from './html.js';
import { jsonOutput } from './json.js';
import { ladderOutput } from './ladder.js';
import { ndjsonOutput } from './ndjson.js';
import type { Output } from './output.js';
import { summaryOutput } from './summary.js';
import { tuiOutput } from './tui.js';
import { writeOutput } from './write.js';

export const OUTPUTS: ReadonlyArray<Output<unknown>> = [jsonOutput, ndjsonOutput, summaryOutput, extractOutput, writeOutput, htmlOutput, tuiOutput, ladderOutput, csvOutput];

/** One output the command line asked for, with its argument. */
export interface ChosenOutput {
  output: Output<unknown>;
  arg: unknown;
}

/**
 * The outputs the parsed options ask for: at most one primary output (none given: the TUI on a terminal,
 * else the summary, unless only an additional output such as --extract was asked for).
 */
export function chooseOutputs(options: Readonly<Record<string, unknown>>, stdoutIsTerminal: boolean): ChosenOutput[] {
  const chosen: ChosenOutput[] = [];
  for (const output of OUTPUTS) {
    const arg = output.requested(options);
    if (arg !== undefined) chosen.push({ output, arg });
  }
  const primary = chosen.filter((c) => c.output.primary);
  if (primary.length > 1) throw new CliError(`choose one output mode (${primary.map((c) => `--${c.output.name}`).join(', ')} given)`, EXIT_USAGE);
  if (chosen.length === 0) chosen.push({ output: stdoutIsTerminal ? tuiOutput : summaryOutput, arg: true });
  return chosen;
}
