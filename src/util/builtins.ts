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
import type * as Zlib from 'node:zlib';

export const crypto = (): typeof Crypto => process.getBuiltinModule('node:crypto');
export const childProcess = (): typeof ChildProcess => process.getBuiltinModule('node:child_process');
export const net = (): typeof Net => process.getBuiltinModule('node:net');
export const perfHooks = (): typeof PerfHooks => process.getBuiltinModule('node:perf_hooks');
export const v8 = (): typeof V8 => process.getBuiltinModule('node:v8');
export const zlib = (): typeof Zlib => process.getBuiltinModule('node:zlib');
