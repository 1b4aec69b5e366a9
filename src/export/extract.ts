/**
 * `--extract DIR`: writes every message body the model kept (Correlator({ keepBodies: true })) into DIR —
 * complete ones as they are, others as `NAME.partial` with their holes left as zeros — plus a
 * manifest.json. Names come from the SDP file-selector, a Content-Disposition filename or the
 * Message-ID, sanitised (extract-names.ts). Files are created with O_CREAT|O_EXCL|O_NOFOLLOW: nothing
 * in DIR is ever overwritten, and a symlink planted in DIR is never followed.
 */
import { constants, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { ModelView } from '../model/view.js';
import type { MessageRecord, MessageState } from '../model/messages.js';
import { dispositionFileName, extensionFor, NameAllocator, sanitizeFileName } from './extract-names.js';

export interface ManifestEntry {
  /** File name inside DIR. */
  file: string;
  /** Message index in the JSON document's messages[]. */
  message: number;
  messageId: string;
  session: number | null;
  contentType: string | null;
  /** Declared (or observed) total size, null when unknown. */
  size: number | null;
  /** Body bytes written (holes excluded). */
  bytes: number;
  /** sha256 of the complete body, null for partial files. */
  sha256: string | null;
  state: MessageState;
  /** Missing byte ranges (1-based, inclusive) of a partial body, when its size is known. */
  holes: Array<[number, number]>;
  /** Where the name came from. */
  nameFrom: 'file-selector' | 'content-disposition' | 'message-id';
}

export interface ExtractResult {
  dir: string;
  manifest: string;
  files: ManifestEntry[];
  /** Messages without body bytes (nothing written). */
  empty: number;
  /** Messages whose file could not be written (the error text per message). */
  failed: Array<{ message: number; error: string }>;
}

const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
const MAX_ATTEMPTS = 10_000;

function baseName(m: MessageRecord): { name: string; from: ManifestEntry['nameFrom'] } {
  const sel = m.fileSelector?.name;
  if (sel !== undefined && sel !== '') return { name: sanitizeFileName(sel), from: 'file-selector' };
  const disp = dispositionFileName(m.contentDisposition);
  if (disp !== undefined) return { name: sanitizeFileName(disp), from: 'content-disposition' };
  return { name: sanitizeFileName(m.messageId) + extensionFor(m.contentType), from: 'message-id' };
}

function errorText(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}

/** Creates a new file under a unique name; returns its handle and name. Never opens an existing path. */
async function createUnique(
  dir: string,
  wanted: string,
  names: NameAllocator,
): Promise<{ handle: fsp.FileHandle; name: string }> {
  let attempt = 0;
  for (let tries = 0; tries < MAX_ATTEMPTS; tries++) {
    const next = names.next(wanted, attempt);
    try {
      const handle = await fsp.open(path.join(dir, next.name), CREATE_FLAGS, 0o644);
      names.take(next.name);
      return { handle, name: next.name };
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      if (code !== 'EEXIST' && code !== 'ELOOP') throw e;
      names.take(next.name);
      attempt = next.attempt + 1;
    }
  }
  throw new Error(`no free name for ${wanted}`);
}

/** Buffers written by one writev: runs of contiguous pieces (one TCP segment each, typically) go out together. */
const MAX_IOV = 1024;

/** Writes `bufs` at `position`, all of them (a short writev is finished piece by piece). */
async function writeRun(handle: fsp.FileHandle, bufs: Buffer[], position: number): Promise<void> {
  const r = await handle.writev(bufs, position);
  let done = r.bytesWritten;
  let pos = position;
  for (const b of bufs) {
    if (done >= b.length) {
      done -= b.length;
      pos += b.length;
      continue;
    }
    let off = done;
    done = 0;
    while (off < b.length) {
      const w = await handle.write(b, off, b.length - off, pos + off);
      if (w.bytesWritten <= 0) throw new Error('short write');
      off += w.bytesWritten;
    }
    pos += b.length;
  }
}

async function writeBody(handle: fsp.FileHandle, m: MessageRecord): Promise<number> {
  const body = m.body;
  if (body === undefined) return 0;
  let written = 0;
  let run: Buffer[] = [];
  let runStart = 0;
  let runEnd = 0;
  for (const p of body.list()) {
    // A piece that does not follow the run (a hole before it), or a full run: the run is written first.
    if (run.length > 0 && (p.start !== runEnd + 1 || run.length >= MAX_IOV)) {
      await writeRun(handle, run, runStart - 1);
      run = [];
    }
    if (run.length === 0) runStart = p.start;
    run.push(p.data);
    runEnd = p.start + p.data.length - 1;
    written += p.data.length;
  }
  if (run.length > 0) await writeRun(handle, run, runStart - 1);
  const size = m.size();
  if (size !== null && size > 0) {
    const st = await handle.stat();
    if (st.size < size && m.state() !== 'complete') await handle.truncate(size);
  }
  return written;
}

/** Extracts every kept body into `dir` (created if missing) and writes the manifest. */
export async function extractBodies(view: ModelView, dir: string): Promise<ExtractResult> {
  if (!view.keepsBodies()) throw new Error('extractBodies needs a model created with { keepBodies: true }');
  await fsp.mkdir(dir, { recursive: true });
  const names = new NameAllocator();
  const result: ExtractResult = { dir, manifest: '', files: [], empty: 0, failed: [] };
  for (const m of view.messages()) {
    const body = m.body;
    if (body === undefined || body.size === 0) {
      result.empty++;
      continue;
    }
    const state = m.state();
    const size = m.size();
    const complete = state === 'complete' && size !== null && body.isComplete(size);
    const base = baseName(m);
    const wanted = complete ? base.name : `${base.name}.partial`;
    let created: { handle: fsp.FileHandle; name: string } | undefined;
    try {
      created = await createUnique(dir, wanted, names);
      const bytes = await writeBody(created.handle, m);
      result.files.push({
        file: created.name,
        message: m.index,
        messageId: m.messageId,
        session: m.session?.index ?? null,
        contentType: m.contentType ?? null,
        size,
        bytes,
        sha256: complete ? (body.digest('sha256', size) ?? null) : null,
        state,
        holes: size === null || complete ? [] : body.coverage.holes(1, size).slice(0, 256),
        nameFrom: base.from,
      });
    } catch (e) {
      result.failed.push({ message: m.index, error: errorText(e) });
    } finally {
      await created?.handle.close();
    }
  }
  const manifest = await createUnique(dir, 'manifest.json', names);
  try {
    const doc = { schema: 'msrpscope-extract/1', files: result.files, empty: result.empty, failed: result.failed };
    await manifest.handle.writeFile(`${JSON.stringify(doc, null, 2)}\n`, 'utf8');
  } finally {
    await manifest.handle.close();
  }
  result.manifest = manifest.name;
  return result;
}
