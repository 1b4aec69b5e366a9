import { Command, CommanderError, Option } from 'commander';
import { createWriteStream, type WriteStream } from 'node:fs';
import { CaptureError } from '../capture/errors.js';
import { escapeText } from '../util/escape.js';
import { CliError, EXIT_DAMAGED, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE } from './errors.js';
import { analyze, type OutputMode } from './analyze.js';
import { VERSION } from './version.js';

const EXAMPLES = `
Examples:
  $ msrpscope samples/chat.pcapng                 text summary of a capture
  $ msrpscope capture.pcapng --json > out.json    the whole analysis as JSON (schema msrpscope/1)
  $ msrpscope -r rotated-1.pcap -r rotated-2.pcap several files read in order as one capture
  $ msrpscope call.pcap --port 9000 --json         also parse TCP port 9000 as MSRP (decode-as)
  $ tcpdump -U -w - -i eth0 | msrpscope - --ndjson one JSON event per line, live from a pipe

Exit codes: 0 done, 1 usage error, 2 unreadable input, 3 capture cut short or corrupt part skipped.`;

interface CliOptions {
  read?: string[];
  json?: string | boolean;
  ndjson?: boolean;
  summary?: boolean;
  port?: number[];
  quiet?: boolean;
  color?: boolean;
  debug?: boolean;
}

function parsePortList(value: string, previous: number[] | undefined): number[] {
  const out = [...(previous ?? [])];
  for (const part of value.split(',')) {
    const t = part.trim();
    if (!/^\d{1,5}$/.test(t) || Number(t) < 1 || Number(t) > 65535) {
      throw new CliError(`invalid port "${escapeText(t)}" (expected 1-65535)`, EXIT_USAGE);
    }
    out.push(Number(t));
  }
  return out;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function buildProgram(): Command {
  const program = new Command();
  program
    .name('msrpscope')
    .description('Analyze MSRP (RFC 4975/4976) in pcap and pcapng captures')
    .version(VERSION, '--version', 'print the version and exit')
    .argument('[capture...]', 'capture files (pcap, pcapng, gzip\'d); - reads standard input')
    .option('-r, --read <file>', 'capture file to read (repeatable, like tshark -r)', collect)
    .option('--json [file]', 'write the JSON document (to stdout, or to FILE)')
    .option('--ndjson', 'write one JSON record per line as events are found')
    .option('--summary', 'write the text summary (default when stdout is not a terminal)')
    .option('--port <list>', 'extra TCP ports to parse as MSRP, comma separated (decode-as)', parsePortList)
    .option('-q, --quiet', 'no warnings on stderr')
    .option('--no-color', 'no colours in the output')
    .addOption(new Option('--debug', 'show stack traces of internal errors').hideHelp())
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run msrpscope --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    });
  return program;
}

function chooseMode(opts: CliOptions): OutputMode {
  if (opts.ndjson) return 'ndjson';
  if (opts.json !== undefined && opts.json !== false) return 'json';
  return 'summary';
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  let exitCode = EXIT_OK;
  let debug = argv.includes('--debug');
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // `msrpscope ... | head`: the reader went away; that is not a failure.
    if (err.code === 'EPIPE') process.exit(EXIT_OK);
  });
  try {
    program.parse(argv);
    const opts = program.opts<CliOptions>();
    debug = opts.debug === true;
    const files = [...(opts.read ?? []), ...program.args];
    if (files.length === 0) throw new CliError('no capture given (a file, or - for standard input)', EXIT_USAGE);
    if (files.filter((f) => f === '-').length > 1) throw new CliError('standard input (-) can be read only once', EXIT_USAGE);
    const mode = chooseMode(opts);
    let jsonOut: WriteStream | undefined;
    if (mode === 'json' && typeof opts.json === 'string') jsonOut = createWriteStream(opts.json);
    const out = (s: string): void => {
      if (jsonOut) jsonOut.write(s);
      else process.stdout.write(s);
    };
    const result = await analyze({
      files,
      mode,
      msrpPorts: opts.port ?? [],
      write: out,
      warn: (s) => {
        if (!opts.quiet) process.stderr.write(`msrpscope: ${escapeText(s)}\n`);
      },
      color: opts.color !== false && process.stdout.isTTY === true,
      columns: process.stdout.columns,
    });
    if (jsonOut) await new Promise<void>((resolve, reject) => jsonOut.end((e?: Error | null) => (e ? reject(e) : resolve())));
    if (result.damaged) exitCode = EXIT_DAMAGED;
  } catch (err) {
    exitCode = reportError(err, debug);
  }
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exitCode = exitCode;
}

function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
    return EXIT_USAGE; // commander already printed its one-line message
  }
  if (err instanceof CliError) {
    process.stderr.write(`msrpscope: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof CaptureError) {
    process.stderr.write(`msrpscope: ${escapeText(err.message)}\n`);
    return EXIT_UNREADABLE;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR')) {
    process.stderr.write(`msrpscope: ${escapeText(e.message)}\n`);
    return EXIT_UNREADABLE;
  }
  process.stderr.write(`msrpscope: internal error: ${escapeText(e && e.message ? e.message : String(err))}${debug ? '' : ' (run with --debug for details)'}\n`);
  if (debug && e && e.stack) process.stderr.write(`${e.stack}\n`);
  return EXIT_UNREADABLE;
}
