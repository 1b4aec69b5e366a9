/**
 * Node's own modules that only some runs need (hashing, TLS, gzip, a live capture, the GC tuning of a large
 * capture), loaded when first used with process.getBuiltinModule (Node ≥ 20.16). Imported statically they were
 * loaded at every start: about 4 ms of a small capture's 100.
 */
import type * as Crypto from 'node:crypto';
import type * as ChildProcess from 'node:child_process';
import type * as Net from 'node:net';
import type * as PerfHooks from 'node:perf_hooks';
import type * as V8 from 'node:v8';
import type * as Vm from 'node:vm';
import type * as Zlib from 'node:zlib';
import type * as WorkerThreads from 'node:worker_threads';

/** The module, loaded on the first call and kept: getBuiltinModule costs about 100 ns a call, and TLS records and
 * message bodies call for crypto hundreds of thousands of times. */
function cached<T>(name: string): () => T {
  let m: T | undefined;
  return () => (m ??= process.getBuiltinModule(name) as T);
}

export const crypto = cached<typeof Crypto>('node:crypto');
export const childProcess = cached<typeof ChildProcess>('node:child_process');
export const net = cached<typeof Net>('node:net');
export const perfHooks = cached<typeof PerfHooks>('node:perf_hooks');
export const v8 = cached<typeof V8>('node:v8');
export const vm = cached<typeof Vm>('node:vm');
export const zlib = cached<typeof Zlib>('node:zlib');
export const workerThreads = cached<typeof WorkerThreads>('node:worker_threads');
