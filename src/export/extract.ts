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
import { errorText, makeFolder, TempBody } from './extract-store.js';

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

/**
 * Makes `make(path)` succeed under a unique name in `dir`: a name that is taken (EEXIST, or ELOOP for a planted
 * symlink that O_NOFOLLOW refuses) is passed over for the next one. Returns the name and what `make` gave.
 */
async function unique<T>(dir: string, wanted: string, names: NameAllocator, make: (file: string) => Promise<T>): Promise<{ name: string; made: T }> {
  let attempt = 0;
  for (let tries = 0; tries < MAX_ATTEMPTS; tries++) {
    const next = names.next(wanted, attempt);
    try {
      const made = await make(path.join(dir, next.name));
      names.take(next.name);
      return { name: next.name, made };
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      if (code !== 'EEXIST' && code !== 'ELOOP') throw e;
      names.take(next.name);
      attempt = next.attempt + 1;
    }
  }
  throw new Error(`no free name for ${wanted}`);
}

/** Creates a new file under a unique name; returns its handle and name. Never opens an existing path. */
async function createUnique(dir: string, wanted: string, names: NameAllocator): Promise<{ handle: fsp.FileHandle; name: string }> {
  const r = await unique(dir, wanted, names, (file) => fsp.open(file, CREATE_FLAGS, 0o644));
  return { handle: r.made, name: r.name };
}

/**
 * Gives a body's hidden file (extract-store.ts) a name of its own: a hard link, which is never made over an
 * existing name nor through a symlink planted there (the hidden name is removed by the caller).
 */
async function linkUnique(dir: string, wanted: string, names: NameAllocator, file: string): Promise<string> {
  return (await unique(dir, wanted, names, (target) => fsp.link(file, target))).name;
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

/** Characters of manifest text written at a time. */
const MANIFEST_CHUNK = 64 * 1024;

/**
 * The manifest's text, `JSON.stringify(doc, null, 2)` and a newline, in pieces of about MANIFEST_CHUNK
 * characters: a capture's manifest has an entry per file, and its text is never held whole. An entry of a list
 * is its own text with every line indented four more spaces (a JSON string holds no raw newline).
 */
export function* manifestChunks(result: Pick<ExtractResult, 'files' | 'empty' | 'failed'>): Generator<string> {
  let text = '{\n  "schema": "msrpscope-extract/1",\n';
  function* list(key: string, items: readonly unknown[], last: boolean): Generator<string> {
    text += `  ${JSON.stringify(key)}: [`;
    for (let i = 0; i < items.length; i++) {
      text += `${i === 0 ? '' : ','}\n    ${JSON.stringify(items[i], null, 2).replace(/\n/g, '\n    ')}`;
      if (text.length >= MANIFEST_CHUNK) {
        yield text;
        text = '';
      }
    }
    text += `${items.length === 0 ? ']' : '\n  ]'}${last ? '' : ','}\n`;
  }
  yield* list('files', result.files, false);
  text += `  "empty": ${JSON.stringify(result.empty)},\n`;
  yield* list('failed', result.failed, true);
  yield `${text}}\n`;
}

/** Extracts every kept body into `dir` (created if missing) and writes the manifest. */
export async function extractBodies(view: ModelView, dir: string): Promise<ExtractResult> {
  if (!view.keepsBodies()) throw new Error('extractBodies needs a model created with { keepBodies: true }');
  makeFolder(dir);
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
    const stored = body.store instanceof TempBody ? body.store : undefined;
    let created: { handle: fsp.FileHandle; name: string } | undefined;
    try {
      let file: string;
      let bytes: number;
      if (stored !== undefined) {
        // Written while the capture was read: cut to its size (a partial one keeps its holes as zeros), named.
        const error = stored.finish(size !== null && size > 0 && state !== 'complete' ? size : null);
        if (error !== undefined) throw new Error(error);
        file = await linkUnique(dir, wanted, names, stored.file);
        bytes = body.size;
      } else {
        created = await createUnique(dir, wanted, names);
        file = created.name;
        bytes = await writeBody(created.handle, m);
      }
      result.files.push({
        file,
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
      stored?.remove();
    }
  }
  const manifest = await createUnique(dir, 'manifest.json', names);
  try {
    for (const chunk of manifestChunks(result)) await manifest.handle.write(chunk, null, 'utf8');
  } finally {
    await manifest.handle.close();
  }
  result.manifest = manifest.name;
  return result;
}
