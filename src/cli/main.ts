import { Command, CommanderError, Option } from 'commander';
import { createWriteStream, fstatSync, statSync, writeSync, type WriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { CaptureError } from '../capture/errors.js';
import { DescriptorSource } from '../capture/types.js';
import { escapeText } from '../util/escape.js';
import { errnoText } from '../util/errno.js';
import { writeAll } from '../util/fd-io.js';
import { CliError, EXIT_DAMAGED, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE } from './errors.js';
import { analyze, foldOptions } from './analyze.js';
import { isEmptyFilter } from '../export/filter.js';
import { chooseOutputs, OUTPUTS } from './outputs/registry.js';
import type { OutputSink } from './outputs/output.js';
import { startLive } from './live.js';
import { parseFilterOptions, type FilterFlags, type FilterOptions } from './filter-options.js';
import { cliFilterOptions } from '../export/filter-terms.js';
import { keylogFromPreferences } from './keylog.js';
import type { PipelineSource } from './pipeline.js';
import { VERSION } from './version.js';
import { drawingHeap, tuneHeap } from './heap.js';
import { PooledWriter } from './pooled-writer.js';
import { schemaText } from '../export/schema-file.js';
import { encodeTerminalSafeJson, terminalSafeJson } from '../export/json-safe.js';

// The bundle's entry is this module: the decrypt-ahead worker it starts runs this export (decrypt-ahead.ts).
export { runDecryptAheadWorker } from './decrypt-ahead-worker.js';

const EXAMPLES = `
Examples:
  $ msrpscope samples/chat.pcapng                 text summary (TUI when stdout is a terminal)
  $ msrpscope capture.pcapng --json > out.json    the whole analysis as JSON (schema msrpscope/1)
  $ msrpscope -r rotated-1.pcap -r rotated-2.pcap several files read in order as one capture
  $ msrpscope call.pcap --port 9000 --json        also parse TCP port 9000 as MSRP (decode-as)
  $ msrpscope call.pcap --method SEND --summary   only SEND transactions and what they belong to
  $ msrpscope call.pcap --state aborted --json    only aborted messages, their transactions and sessions
  $ tcpdump -U -w - -i eth0 | msrpscope - --ndjson   one JSON record per line, live from a pipe
  $ msrpscope live -i eth0 -f 'tcp port 2855' --duration 60 --summary
  $ msrpscope rcs.pcap --keylog sslkeys.txt --summary   MSRP inside TLS, decrypted with an SSLKEYLOGFILE
  $ msrpscope call.pcap --ladder --session 0      the ladder of session 0 as plain text, every chunk shown
  $ msrpscope call.pcap --csv messages=m.csv      messages as CSV (KIND: sessions, messages, transactions)
  $ msrpscope --schema                            the JSON Schema of --json (no capture needed)
  $ msrpscope call.pcap --session 0 -w s0.pcapng  the frames of session 0 and its SIP, for Wireshark

Exit codes: 0 done, 1 usage error, 2 unreadable input, 3 capture cut short or corrupt part skipped.`;

/** The options every command has; each output reads its own from the same object (outputs/registry.ts). */
interface CliOptions extends FilterFlags {
  read?: string[];
  port?: number[];
  sipPort?: number[];
  quiet?: boolean;
  color?: boolean;
  debug?: boolean;
  keylog?: string[];
  pref?: string[];
  force?: boolean;
  schema?: boolean;
}

interface LiveCliOptions extends CliOptions {
  interface: string;
  filter?: string;
  duration?: number;
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

function parseDuration(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`invalid duration "${escapeText(value)}" (seconds > 0)`, EXIT_USAGE);
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Output, decode-as and filter options shared by the file reader and `live`. */
function addCommonOptions(cmd: Command): Command {
  // Each output adds its own options (outputs/registry.ts).
  for (const output of OUTPUTS) for (const o of output.options) cmd.option(o.flags, o.description);
  cmd
    .option('--port <list>', 'extra TCP ports to parse as MSRP, comma separated (decode-as)', parsePortList)
    .option('--sip-port <list>', 'extra ports to parse as SIP, comma separated', parsePortList);
  // The filter options and their help text come from the filter table (also the TUI's and the README's).
  for (const o of cliFilterOptions()) cmd.option(o.flags, o.description);
  return cmd
    .option('--keylog <file>', 'NSS key log (SSLKEYLOGFILE) to decrypt TLS with (repeatable)', collect)
    .option('-o, --pref <name:value>', 'tshark-style preference: tls.keylog_file:FILE is understood (repeatable)', collect)
    .option('--force', 'let -w, --html, --csv and --ladder replace a file that exists')
    .option('-q, --quiet', 'no warnings on stderr')
    .option('--no-color', 'no colours in the output')
    .addOption(new Option('--debug', 'show stack traces of internal errors').hideHelp());
}

/** Commander's own messages quote what was typed: escape it (arguments can carry terminal controls). */
const SAFE_OUTPUT = {
  writeOut: (s: string) => process.stdout.write(s),
  writeErr: (s: string) => process.stderr.write(escapeText(s, true)),
  outputError: (s: string, write: (t: string) => void) => write(s),
};

/**
 * What standard output is: a pipe or a socket (node writes to it asynchronously, so text can queue: pooled and
 * paced), a file or a device other than a terminal (written here with writeSync: no buffer made per piece, and
 * a failed write is seen), or a terminal / anything else (left to process.stdout).
 */
function stdoutKind(): 'pipe' | 'file' | 'other' {
  try {
    const st = fstatSync(1);
    if (st.isFIFO() || st.isSocket()) return 'pipe';
    if (st.isFile() || (st.isCharacterDevice() && process.stdout.isTTY !== true)) return 'file';
  } catch {
    // Closed or odd: process.stdout decides.
  }
  return 'other';
}

/**
 * The buffer JSON pieces are encoded into for standard output as a file: 3 bytes per unit of a piece of up to
 * 128 Ki units (the writer's pieces are a little over 64 Ki; a larger one is written as a string).
 */
const JSON_SCRATCH_BYTES = 3 * 128 * 1024;

/** Captures smaller than this (files) are read before the young generation would grow: no GC tuning then. */
const TUNE_GC_FROM_BYTES = 16 * 1024 * 1024;

async function runAnalysis(sources: PipelineSource[], opts: CliOptions, totalBytes: number | undefined): Promise<number> {
  // A pipe, a live interface or a large file: hold V8's young generation at a few MiB, and bound the old one's
  // growth for the outputs that draw from every record (heap.ts).
  const outputs = chooseOutputs(opts as Readonly<Record<string, unknown>>, process.stdout.isTTY === true);
  const live = sources.some((s) => typeof s.input !== 'string');
  const draws = outputs.some((c) => c.output.drawsEveryRecord === true || (c.output.drawsEveryRecord === 'live' && live));
  const filter: FilterOptions = parseFilterOptions(opts);
  // Outputs that read only counts of most messages: the model folds them, and the heap is held near what it keeps.
  const foldMessages = foldOptions(outputs.map((c) => c.output.keeps.messages ?? 'all'), !isEmptyFilter(filter));
  const liveViewer = live && outputs.some((c) => c.output.drawsEveryRecord === 'live');
  const boundHeap = foldMessages !== undefined ? 1.5 : liveViewer ? 1.3 : undefined;
  const afterBatch = totalBytes === undefined || totalBytes >= TUNE_GC_FROM_BYTES ? tuneHeap({ boundGrowth: draws, boundHeap, holdYoungNow: liveViewer }) : undefined;
  const keylogs = [...(opts.keylog ?? []), ...keylogFromPreferences(opts.pref ?? [], (m) => new CliError(m, EXIT_USAGE))];
  const warn = (s: string): void => {
    if (!opts.quiet) process.stderr.write(`msrpscope: ${escapeText(s)}\n`);
  };
  // Standard output as a file (> out.json, > /dev/full): its first write error, reported once the analysis is done.
  let stdoutError: unknown;
  // --json FILE: a stream whose open and write errors are kept, reported as one line once the analysis is done.
  const files: Array<{ out: WriteStream; target: string; error: unknown }> = [];
  // A stream node writes asynchronously (a pipe, a file stream): through reused buffers, waited on when all are out.
  const pooledSink = (stream: Writable): OutputSink => {
    const pooled = new PooledWriter(stream);
    return { write: (s) => pooled.write(s), writeJson: (s) => pooled.writeJson(s), warn, ready: () => pooled.ready() };
  };
  const sinkFor = (target: string | undefined): OutputSink => {
    if (target === undefined) {
      const kind = stdoutKind();
      if (kind === 'file') {
        const put = (b: string | Buffer): void => {
          if (stdoutError !== undefined) return;
          try {
            if (typeof b === 'string') writeSync(1, b);
            else writeAll(1, b);
          } catch (e) {
            stdoutError = e;
          }
        };
        // JSON is encoded here once, into one reused buffer, and checked there (json-safe.ts).
        let scratch: Buffer | undefined;
        return {
          write: put,
          writeJson: (s) => {
            scratch ??= Buffer.allocUnsafeSlow(JSON_SCRATCH_BYTES);
            const n = encodeTerminalSafeJson(s, scratch);
            put(n >= 0 ? scratch.subarray(0, n) : terminalSafeJson(s));
          },
          warn,
        };
      }
      if (kind === 'other') return { write: (s) => process.stdout.write(s), warn };
      return pooledSink(process.stdout);
    }
    const out = createWriteStream(target);
    const file = { out, target, error: undefined as unknown };
    out.on('error', (e) => (file.error ??= e));
    files.push(file);
    return pooledSink(out);
  };
  const result = await analyze({
    sources,
    outputs,
    msrpPorts: opts.port ?? [],
    sipPorts: opts.sipPort ?? [],
    filter,
    foldMessages,
    force: opts.force === true,
    keylogs,
    // A live capture or a pipe: the key log may still be written while the capture runs.
    followKeylogs: sources.some((src) => typeof src.input !== 'string'),
    sinkFor,
    warn,
    color: opts.color !== false && process.stdout.isTTY === true,
    columns: process.stdout.isTTY ? process.stdout.columns : 160,
    progressTotal: process.stderr.isTTY === true && !opts.quiet ? totalBytes : undefined,
    afterBatch,
    beforeDrawing: afterBatch === undefined ? undefined : drawingHeap,
  });
  for (const f of files) {
    // 'close' comes after everything was written, or after the error that stopped it.
    if (!f.out.closed) {
      await new Promise<void>((resolve) => {
        f.out.once('close', () => resolve());
        if (!f.out.destroyed) f.out.end();
      });
    }
    if (f.error !== undefined) throw new CliError(`cannot write ${escapeText(f.target)}: ${errnoText(f.error)}`, EXIT_UNREADABLE);
  }
  if (stdoutError !== undefined) throw new CliError(`cannot write standard output: ${errnoText(stdoutError)}`, EXIT_UNREADABLE);
  if (result.exitCode !== undefined) return result.exitCode;
  return result.damaged ? EXIT_DAMAGED : EXIT_OK;
}

function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function buildProgram(setExit: (code: Promise<number>) => void): Command {
  const program = new Command();
  program
    .name('msrpscope')
    .description('Analyze MSRP (RFC 4975/4976) in pcap and pcapng captures, from files, pipes or a live interface')
    .version(VERSION, '--version', 'print the version and exit')
    .argument('[capture...]', "capture files (pcap, pcapng, gzip'd); - reads standard input")
    .option('-r, --read <file>', 'capture file to read (repeatable, like tshark -r)', collect)
    .option('--schema', 'print the JSON Schema of the --json document and exit (no capture needed)')
    // Options after `live` belong to it (both commands share the output options).
    .enablePositionalOptions();
  addCommonOptions(program)
    .configureOutput(SAFE_OUTPUT)
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run msrpscope --help for usage)')
    .exitOverride()
    .action((captures: string[], opts: CliOptions) => {
      if (opts.schema === true) {
        process.stdout.write(schemaText());
        return;
      }
      const files = [...(opts.read ?? []), ...captures];
      if (files.length === 0) throw new CliError('no capture given (a file, or - for standard input; see --help)', EXIT_USAGE);
      if (files.filter((f) => f === '-').length > 1) throw new CliError('standard input (-) can be read only once', EXIT_USAGE);
      const sources: PipelineSource[] = files.map((f) => ({ name: f, input: f === '-' ? stdinWithInterrupt() : f }));
      const total = files.includes('-') ? undefined : files.reduce((a, f) => a + (fileSize(f) ?? 0), 0);
      setExit(runAnalysis(sources, opts, total));
    });

  const live = new Command('live')
    .description('capture on an interface with tcpdump (or dumpcap) and analyze what arrives; Ctrl-C stops')
    .requiredOption('-i, --interface <iface>', 'interface to capture on (as tcpdump -i)')
    .option('-f, --filter <bpf>', 'capture filter (BPF, as tcpdump)')
    .option('--duration <s>', 'stop after this many seconds', parseDuration);
  addCommonOptions(live)
    .configureOutput(SAFE_OUTPUT)
    .exitOverride()
    .action((opts: LiveCliOptions) => {
      const cap = startLive({ iface: opts.interface, filter: opts.filter, durationSec: opts.duration });
      const onInt = (): void => cap.stop();
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onInt);
      const stream: Readable = cap.stream;
      const analysis = runAnalysis([{ name: `live:${opts.interface}`, input: stream }], opts, undefined);
      // The viewer may close before the capture ends: then the capture is stopped too.
      void analysis.finally(() => cap.stop()).catch(() => undefined);
      setExit(
        Promise.allSettled([cap.done, analysis]).then(([d, a]) => {
          if (d.status === 'rejected') throw d.reason;
          if (a.status === 'rejected') throw a.reason;
          return a.value;
        }),
      );
    });
  program.addCommand(live);
  return program;
}

/** Standard input as the capture: the first Ctrl-C ends it where it is (the analysis ends as at its end), the second the program. */
function stdinWithInterrupt(): DescriptorSource {
  const stdin = new DescriptorSource(0);
  process.on('SIGINT', () => {
    if (stdin.stopped) process.exit(130);
    stdin.stop();
  });
  return stdin;
}

export async function main(argv: string[]): Promise<void> {
  let pending: Promise<number> = Promise.resolve(EXIT_OK);
  const program = buildProgram((p) => (pending = p));
  const debug = argv.includes('--debug');
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // `msrpscope ... | head`: the reader went away; that is not a failure.
    if (err.code === 'EPIPE') process.exit(EXIT_OK);
  });
  let exitCode: number;
  try {
    await program.parseAsync(argv);
    exitCode = await pending;
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
