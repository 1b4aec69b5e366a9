/**
 * `--extract DIR`: writes every message body the model kept (Correlator({ keepBodies: true })) into DIR —
 * complete ones as they are, others as `NAME.partial` with their holes left as zeros — plus a
 * manifest.json. Names come from the SDP file-selector, a Content-Disposition filename or the
 * Message-ID, sanitised (extract-names.ts). Files are created with O_CREAT|O_EXCL|O_NOFOLLOW: nothing
 * in DIR is ever overwritten, and a symlink planted in DIR is never followed.
 */
import { closeSync, constants, fstatSync, ftruncateSync, linkSync, openSync, writevSync } from 'node:fs';
import * as path from 'node:path';
import type { ModelView } from '../model/view.js';
import type { MessageRecord, MessageState } from '../model/messages.js';
import { dispositionFileName, extensionFor, NameAllocator, sanitizeFileName } from './extract-names.js';
import { errorText, makeFolder, TempBody } from './extract-store.js';
import { RecordSpill } from './record-spill.js';
import { writeAll } from '../util/fd-io.js';

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
  /** Entries of the messages extracted once the capture was read (those extracted before are only in the manifest). */
  files: ManifestEntry[];
  /** Files written in all. */
  written: number;
  /** Messages without body bytes (nothing written). */
  empty: number;
  /** Messages whose file could not be written (the error text per message). */
  failed: Array<{ message: number; error: string }>;
  /** Why the temporary file for the entries of messages extracted early could not be used (they were held in memory). */
  spillFailure?: string | undefined;
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
function unique<T>(dir: string, wanted: string, names: NameAllocator, make: (file: string) => T): { name: string; made: T } {
  let attempt = 0;
  for (let tries = 0; tries < MAX_ATTEMPTS; tries++) {
    const next = names.next(wanted, attempt);
    try {
      const made = make(path.join(dir, next.name));
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

/** Creates a new file under a unique name; returns its descriptor and name. Never opens an existing path. */
function createUnique(dir: string, wanted: string, names: NameAllocator): { fd: number; name: string } {
  const r = unique(dir, wanted, names, (file) => openSync(file, CREATE_FLAGS, 0o644));
  return { fd: r.made, name: r.name };
}

/**
 * Gives a body's hidden file (extract-store.ts) a name of its own: a hard link, which is never made over an
 * existing name nor through a symlink planted there (the hidden name is removed by the caller).
 */
function linkUnique(dir: string, wanted: string, names: NameAllocator, file: string): string {
  return unique(dir, wanted, names, (target) => linkSync(file, target)).name;
}

/** Buffers written by one writev: runs of contiguous pieces (one TCP segment each, typically) go out together. */
const MAX_IOV = 1024;

/** Writes `bufs` at `position`, all of them (a short writev is finished piece by piece). */
function writeRun(fd: number, bufs: Buffer[], position: number): void {
  let done = writevSync(fd, bufs, position);
  let pos = position;
  for (const b of bufs) {
    if (done >= b.length) {
      done -= b.length;
      pos += b.length;
      continue;
    }
    // The rest of a piece the writev cut short.
    writeAll(fd, b.subarray(done), pos + done);
    done = 0;
    pos += b.length;
  }
}

function writeBody(fd: number, m: MessageRecord): number {
  const body = m.body;
  if (body === undefined) return 0;
  let written = 0;
  let run: Buffer[] = [];
  let runStart = 0;
  let runEnd = 0;
  for (const p of body.list()) {
    // A piece that does not follow the run (a hole before it), or a full run: the run is written first.
    if (run.length > 0 && (p.start !== runEnd + 1 || run.length >= MAX_IOV)) {
      writeRun(fd, run, runStart - 1);
      run = [];
    }
    if (run.length === 0) runStart = p.start;
    run.push(p.data);
    runEnd = p.start + p.data.length - 1;
    written += p.data.length;
  }
  if (run.length > 0) writeRun(fd, run, runStart - 1);
  const size = m.size();
  if (size !== null && size > 0 && fstatSync(fd).size < size && m.state() !== 'complete') ftruncateSync(fd, size);
  return written;
}

/** Characters of manifest text written at a time. */
const MANIFEST_CHUNK = 64 * 1024;

/** An entry's text in the manifest's list: its `JSON.stringify(entry, null, 2)` with every line indented four more spaces (a JSON string holds no raw newline). */
function entryText(entry: unknown): string {
  return JSON.stringify(entry, null, 2).replace(/\n/g, '\n    ');
}

/** Manifest entries kept as text by message index (Extraction.take, while the capture is read). */
export interface EarlierEntries {
  /** The highest message index with an entry (-1: none). */
  readonly last: number;
  text(message: number): string | undefined;
}

/**
 * The manifest's text, `JSON.stringify(doc, null, 2)` and a newline, in pieces of about MANIFEST_CHUNK
 * characters: a capture's manifest has an entry per file, and its text is never held whole. The files list is
 * in message order: `result.files` (in message order) merged with the `earlier` entries' texts.
 */
export function* manifestChunks(result: Pick<ExtractResult, 'files' | 'empty' | 'failed'>, earlier?: EarlierEntries): Generator<string> {
  let text = '{\n  "schema": "msrpscope-extract/1",\n';
  let first = true;
  function* item(t: string): Generator<string> {
    text += `${first ? '' : ','}\n    ${t}`;
    first = false;
    if (text.length >= MANIFEST_CHUNK) {
      yield text;
      text = '';
    }
  }
  function* list(key: string, items: Iterable<string>, last: boolean): Generator<string> {
    text += `  ${JSON.stringify(key)}: [`;
    first = true;
    for (const t of items) yield* item(t);
    text += `${first ? ']' : '\n  ]'}${last ? '' : ','}\n`;
  }
  function* files(): Generator<string> {
    let i = 0;
    for (let message = 0; earlier !== undefined && message <= earlier.last; message++) {
      const t = earlier.text(message);
      if (t === undefined) continue;
      for (let f = result.files[i]; f !== undefined && f.message < message; f = result.files[++i]) yield entryText(f);
      yield t;
    }
    for (; i < result.files.length; i++) yield entryText(result.files[i]);
  }
  yield* list('files', files(), false);
  text += `  "empty": ${JSON.stringify(result.empty)},\n`;
  yield* list('failed', (function* () {
    for (const f of result.failed) yield entryText(f);
  })(), true);
  yield `${text}}\n`;
}

/**
 * Extraction into one folder: the messages the model lets go while the capture is read (take(), through its
 * FoldSink: a long capture's records are not held to its end), then every message still held (finish()). A
 * message extracted early keeps only its manifest entry's text, in a temporary file (export/record-spill.ts).
 * Names are given in the order messages are extracted, so on a long capture a later message may take a name
 * before an earlier one still held (`same.txt`, `same-2.txt`).
 */
export class Extraction {
  private readonly names = new NameAllocator();
  private spill: RecordSpill | undefined;
  private last = -1;
  private written = 0;
  private empty = 0;
  private readonly failed: Array<{ message: number; error: string }> = [];

  /** Makes the folder (and its parents). */
  constructor(readonly dir: string) {
    makeFolder(dir);
  }

  /** Extracts a message that will not change any more (the model is letting it go). */
  take(m: MessageRecord): void {
    const entry = this.extract(m);
    if (entry === undefined) return;
    (this.spill ??= new RecordSpill()).put('message', m.index, entryText(entry));
    this.last = Math.max(this.last, m.index);
  }

  /** Extracts every message the view still holds, and writes the manifest. */
  finish(view: ModelView): ExtractResult {
    const files: ManifestEntry[] = [];
    for (const m of view.messages()) {
      const entry = this.extract(m);
      if (entry !== undefined) files.push(entry);
    }
    const spill = this.spill;
    spill?.finish();
    const failed = this.failed.sort((a, b) => a.message - b.message);
    const result: ExtractResult = { dir: this.dir, manifest: '', files, written: this.written, empty: this.empty, failed, spillFailure: spill?.failure };
    try {
      const earlier: EarlierEntries | undefined = spill === undefined ? undefined : { last: this.last, text: (i) => spill.text('message', i) };
      const manifest = createUnique(this.dir, 'manifest.json', this.names);
      try {
        for (const chunk of manifestChunks(result, earlier)) writeAll(manifest.fd, Buffer.from(chunk, 'utf8'));
      } finally {
        closeSync(manifest.fd);
      }
      result.manifest = manifest.name;
    } finally {
      spill?.close();
    }
    return result;
  }

  /** Writes one message's body under its name: its manifest entry, or undefined when it has no body bytes or failed. */
  private extract(m: MessageRecord): ManifestEntry | undefined {
    const body = m.body;
    if (body === undefined || body.size === 0) {
      this.empty++;
      return undefined;
    }
    const state = m.state();
    const size = m.size();
    const complete = state === 'complete' && size !== null && body.isComplete(size);
    const base = baseName(m);
    const wanted = complete ? base.name : `${base.name}.partial`;
    const stored = body.store instanceof TempBody ? body.store : undefined;
    let created: { fd: number; name: string } | undefined;
    try {
      let file: string;
      let bytes: number;
      if (stored !== undefined) {
        // Written while the capture was read: cut to its size (a partial one keeps its holes as zeros), named.
        const error = stored.finish(size !== null && size > 0 && state !== 'complete' ? size : null);
        if (error !== undefined) throw new Error(error);
        file = linkUnique(this.dir, wanted, this.names, stored.file);
        bytes = body.size;
      } else {
        created = createUnique(this.dir, wanted, this.names);
        file = created.name;
        bytes = writeBody(created.fd, m);
      }
      this.written++;
      return {
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
      };
    } catch (e) {
      this.failed.push({ message: m.index, error: errorText(e) });
      return undefined;
    } finally {
      if (created !== undefined) closeSync(created.fd);
      stored?.remove();
    }
  }
}

/** Extracts every kept body into `dir` (created if missing) and writes the manifest. */
export async function extractBodies(view: ModelView, dir: string, extraction?: Extraction): Promise<ExtractResult> {
  if (!view.keepsBodies()) throw new Error('extractBodies needs a model created with { keepBodies: true }');
  return (extraction ?? new Extraction(dir)).finish(view);
}
