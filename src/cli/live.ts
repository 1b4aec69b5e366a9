import type { ChildProcessByStdio } from 'node:child_process';
import { childProcess } from '../util/builtins.js';
import type { Readable } from 'node:stream';
import { CliError, EXIT_UNREADABLE } from './errors.js';

export interface LiveOptions {
  iface: string;
  filter?: string;
  durationSec?: number;
}

export interface LiveCapture {
  stream: Readable;
  /** Stops the capture; the stream then ends and the results of what was seen are printed. */
  stop(): void;
  /** Resolves when the capture program has exited; rejects with a CliError when it failed to capture. */
  done: Promise<void>;
}

function onPath(cmd: string): boolean {
  const r = childProcess().spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
  return r.status === 0;
}

/** The capture command line: dumpcap when present (it writes pcapng), else tcpdump. */
export function captureCommand(opts: LiveOptions, has: (cmd: string) => boolean = onPath): { cmd: string; args: string[] } {
  if (has('dumpcap')) {
    const args = ['-q', '-i', opts.iface, '-w', '-'];
    if (opts.filter) args.push('-f', opts.filter);
    return { cmd: 'dumpcap', args };
  }
  const args = ['-U', '-w', '-', '-i', opts.iface];
  if (opts.filter) args.push(opts.filter);
  return { cmd: 'tcpdump', args };
}

/** Spawns the capture program and hands its standard output to the pipeline. */
export function startLive(opts: LiveOptions): LiveCapture {
  const { cmd, args } = captureCommand(opts);
  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = childProcess().spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    throw new CliError(`cannot start ${cmd}: install tcpdump (apt-get install tcpdump) or read a capture file`, EXIT_UNREADABLE);
  }
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString('utf8');
  });
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGINT');
  };
  const timer = opts.durationSec !== undefined ? setTimeout(stop, opts.durationSec * 1000) : undefined;
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (err.code === 'ENOENT') {
        reject(new CliError(`${cmd} not found: install it (apt-get install tcpdump) or read a capture file`, EXIT_UNREADABLE));
      } else reject(new CliError(`cannot start ${cmd}: ${err.message}`, EXIT_UNREADABLE));
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (stopped || code === 0) return resolve();
      const line = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !/^(tcpdump: )?listening on|^Capturing on|^File:/i.test(l)).pop() ?? '';
      if (/permission|not permitted|privilege/i.test(stderr)) {
        reject(new CliError(`${cmd} lacks permission to capture on ${opts.iface} (run as root or grant CAP_NET_RAW)`, EXIT_UNREADABLE));
      } else reject(new CliError(`${cmd} failed (exit ${code ?? 'signal'}): ${line.slice(0, 200)}`, EXIT_UNREADABLE));
    });
  });
  done.catch(() => undefined);
  return { stream: child.stdout, stop, done };
}
