/**
 * Documents for the TUI tests: real ones built by running the pipeline on samples/chat.pcap (and on the
 * shared corpus when present), a hostile one full of terminal control sequences, and a synthetic one
 * with thousands of transactions.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { buildJsonDocument } from '../../src/export/json.js';
import type { JsonDocument, JsonMessage, JsonSession, JsonTransaction } from '../../src/export/json-types.js';
import type { Correlator } from '../../src/model/correlator.js';
import type { KeyPress } from '../../src/tui/screens/view.js';
import { runCapture } from '../helpers/run-pipeline.js';

export const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CHAT = path.join(ROOT, 'samples', 'chat.pcap');
export const CORPUS = path.resolve(ROOT, '../shared/corpus');
export const HAVE_CORPUS = existsSync(CORPUS);

export interface Built {
  doc: JsonDocument;
  store: Correlator;
  /** The model's kept body bytes of a message (what the CLI passes as getBody). */
  body: (message: number) => Uint8Array | null;
}

const cache = new Map<string, Promise<Built>>();

/** Runs the pipeline on a capture once per test file and builds the JSON document. */
export function built(file: string): Promise<Built> {
  let p = cache.get(file);
  if (p === undefined) {
    p = runCapture(file).then(({ store }) => ({
      doc: buildJsonDocument(store.view(), { version: '0.0.0-test' }),
      store,
      body: (i: number) => store.view().messages()[i]?.preview ?? null,
    }));
    cache.set(file, p);
  }
  return p;
}

export function corpusFile(name: string): string {
  return `${CORPUS}/${name}`;
}

/** A deep copy (documents are treated as immutable by the TUI; tests build variants from copies). */
export function clone(doc: JsonDocument): JsonDocument {
  return JSON.parse(JSON.stringify(doc)) as JsonDocument;
}

/** Strings a hostile capture could carry: OSC title change + BEL, CSI colour, C1 CSI, NEL, bidi override, blessed tags. */
export const EVIL = 'X\x1b]0;pwned\x07\x1b[31mRED\x9b2J\x85\u202eRTL\u2066{red-fg}TAG{/red-fg}Z';
/** How EVIL must look on screen. */
export const EVIL_SHOWN = 'X\\x1b]0;pwned\\x07\\x1b[31mRED\\x9b2J\\x85\\u202eRTL\\u2066{red-fg}TAG{/red-fg}Z';

/** The chat document with capture-derived strings replaced by EVIL everywhere the TUI shows them. */
export function hostileDocument(base: JsonDocument): JsonDocument {
  const doc = clone(base);
  doc.capture.files = [`cap${EVIL}.pcap`];
  for (const s of doc.sessions) {
    s.endpoints[0].uri = `msrp://${EVIL}:2855/a1iceS3ss;tcp`;
    if (s.sip !== null) s.sip.callId = `call${EVIL}`;
  }
  for (const d of doc.sip) {
    d.callId = `call${EVIL}`;
    d.from = `sip:${EVIL}@example.com`;
  }
  for (const m of doc.messages) {
    m.messageId = `mid${EVIL}`;
    m.contentType = `text/plain;x=${EVIL}`;
    m.preview = `body${EVIL}`;
    if (m.cpim !== null) m.cpim.from = `<sip:${EVIL}@example.com>`;
  }
  for (const t of doc.transactions) {
    t.transactionId = `tx${EVIL}`;
    for (const part of [t.request, t.response]) {
      if (part === null) continue;
      part.headers.push({ name: `X-Evil${EVIL}`, value: `value${EVIL}` });
    }
    if (t.response !== null) t.response.comment = `OK${EVIL}`;
  }
  doc.diagnostics.push({ code: `code${EVIL}`, severity: 'warning', frame: 8, connection: 0, detail: `detail${EVIL}` });
  doc.summary.diagnostics[`code${EVIL}`] = 1;
  return doc;
}

/**
 * A document with `n` one-chunk text messages in one session (alternating directions), each answered
 * with 200 — thousands of ladder rows from a template taken from the chat capture.
 */
export function syntheticDocument(base: JsonDocument, n: number): JsonDocument {
  const doc = clone(base);
  const m0 = base.messages[0] as JsonMessage;
  const t0 = base.transactions[0] as JsonTransaction;
  const s0 = doc.sessions[0] as JsonSession;
  const t = (i: number): { frame: number; time: string; epoch: number } => {
    const epoch = 1795600000 + i * 0.01;
    const d = new Date(Math.floor(epoch * 1000));
    return { frame: 10 + i * 2, time: `${d.toISOString().slice(0, 19)}.${String(Math.round((epoch % 1) * 1e6)).padStart(6, '0')}Z`, epoch };
  };
  doc.messages = [];
  doc.transactions = [];
  for (let i = 0; i < n; i++) {
    const m = JSON.parse(JSON.stringify(m0)) as JsonMessage;
    m.id = i;
    m.messageId = `m-${i}`;
    m.first = t(i);
    m.last = t(i);
    m.reports = [];
    m.reportCount = 0;
    doc.messages.push(m);
    const x = JSON.parse(JSON.stringify(t0)) as JsonTransaction;
    x.id = i;
    x.transactionId = `tx${i}`;
    x.message = i;
    x.messageId = `m-${i}`;
    if (x.request !== null) {
      x.request.at = t(i);
      x.request.lastFrame = t(i).frame;
    }
    if (x.response !== null) x.response.at = { ...t(i), frame: t(i).frame + 1 };
    doc.transactions.push(x);
  }
  s0.messages = n;
  doc.sip = [];
  s0.sip = null;
  doc.summary.messages.total = n;
  return doc;
}

export interface FakeTerminal {
  input: PassThrough & { isTTY: boolean; setRawMode: (on: boolean) => void; isRaw: boolean };
  output: PassThrough & { isTTY: boolean; columns: number; rows: number };
  /** Everything written to the terminal so far. */
  written(): string;
  resize(columns: number, rows: number): void;
}

export function fakeTerminal(columns = 80, rows = 24): FakeTerminal {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    setRawMode(on: boolean): void {
      input.isRaw = on;
    },
  });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns, rows });
  const chunks: Buffer[] = [];
  output.on('data', (b: Buffer) => chunks.push(b));
  return {
    input,
    output,
    written: () => Buffer.concat(chunks).toString('utf8'),
    resize(c: number, r: number): void {
      output.columns = c;
      output.rows = r;
      output.emit('resize');
    },
  };
}

export const KEYS = {
  enter: '\r',
  escape: '\x1b',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  f1: '\x1bOP',
  backspace: '\x7f',
  ctrlC: '\x03',
} as const;

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Types keys one by one, letting blessed handle each. */
export async function press(term: FakeTerminal, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    term.input.write(k);
    await tick();
    await tick();
  }
}

/** A key press as blessed reports it: `k('q')`, `k('enter', '\r')`. */
export const k = (name: string, ch?: string): KeyPress => ({ name, ch: ch ?? (name.length === 1 ? name : undefined) });
export const ENTER = k('enter', '\r');
export const ESC = k('escape', '\x1b');
