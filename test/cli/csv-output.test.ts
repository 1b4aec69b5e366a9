/**
 * `--csv <kind[=file]>`: RFC 4180 CSV of the sessions, messages and transactions. Quoting unit tests; columns
 * derived from the JSON Schema (the shipped file and JSON_SCHEMA agree); every sample and corpus capture's CSVs
 * parse with Python's csv module with one row per record of the JSON; the file form, bad kinds and filters.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureList } from '../../scripts/json-digests.mjs';
import { csvCell, csvChunks, csvColumns, csvField, csvRow, CSV_KINDS } from '../../src/export/csv.js';
import { JSON_SCHEMA } from '../../src/export/schema.js';
import { schemaObject } from '../../src/export/schema-file.js';
import { parseCsvArgument } from '../../src/cli/outputs/csv.js';
import { built, CHAT, hostileDocument, ROOT } from '../tui/fixtures.js';

const BIN = join(ROOT, 'bin', 'msrpscope');
const HAVE_PYTHON = spawnSync('python3', ['-c', 'import csv'], { encoding: 'utf8' }).status === 0;
const CAPTURES = (captureList() as Array<{ name: string; file: string; keys: string | null }>).filter((c) => existsSync(c.file));

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Python's reading of CSV texts (a JSON list on stdin): for each, header, row count, widths of the rows. */
const PY = `
import csv, io, json, sys
out = []
for data in json.load(sys.stdin):
    assert data == '' or data.endswith('\\r\\n'), 'no CRLF at the end'
    rows = list(csv.reader(io.StringIO(data, newline=''), strict=True))
    out.append({'header': rows[0] if rows else [], 'rows': len(rows) - 1, 'widths': sorted(set(len(r) for r in rows))})
print(json.dumps(out))
`;

interface PyRead {
  header: string[];
  rows: number;
  widths: number[];
}

function pythonReadAll(texts: string[]): PyRead[] {
  const r = spawnSync('python3', ['-c', PY], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as PyRead[];
}

const pythonRead = (text: string): PyRead => pythonReadAll([text])[0] as PyRead;

describe('CSV fields (RFC 4180)', () => {
  it('quotes only what needs it and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('')).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\r\nbreak')).toBe('"line\r\nbreak"');
    expect(csvField('lf\nonly')).toBe('"lf\nonly"');
    expect(csvField('=1+2')).toBe('=1+2');
    expect(csvRow(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });

  it('makes cells from values: null empty, booleans, numbers, joined arrays, escaped text', () => {
    expect(csvCell({ a: { b: null } }, { name: 'a.b.c', path: ['a', 'b', 'c'], joined: false })).toBe('');
    expect(csvCell({ a: true, n: 1.5 }, { name: 'a', path: ['a'], joined: false })).toBe('true');
    expect(csvCell({ n: 1.5 }, { name: 'n', path: ['n'], joined: false })).toBe('1.5');
    expect(csvCell({ c: [0, 2, 1] }, { name: 'c', path: ['c'], joined: true })).toBe('0 2 1');
    expect(csvCell({ e: [{ u: 'x' }, { u: 'y' }] }, { name: 'e.1.u', path: ['e', '1', 'u'], joined: false })).toBe('y');
    expect(csvCell({ s: 'a\x1b[31m\r\nb' }, { name: 's', path: ['s'], joined: false })).toBe('a\\x1b[31m\\r\\nb');
  });

  it('takes its columns from the JSON Schema: the shipped file gives the same as JSON_SCHEMA', () => {
    for (const kind of CSV_KINDS) expect(csvColumns(schemaObject(), kind)).toEqual(csvColumns(JSON.parse(JSON.stringify(JSON_SCHEMA)) as Record<string, unknown>, kind));
    const names = (k: (typeof CSV_KINDS)[number]): string[] => csvColumns(schemaObject(), k).map((c) => c.name);
    expect(names('sessions').slice(0, 6)).toEqual(['id', 'endpoints.0.uri', 'endpoints.0.sessionId', 'endpoints.1.uri', 'endpoints.1.sessionId', 'relays']);
    expect(names('sessions')).not.toContain('requests');
    expect(names('messages')).toEqual(expect.arrayContaining(['messageId', 'first.time', 'delivery.state', 'delivery.at.time', 'cpim.to', 'file.selector.hash.hex']));
    expect(names('messages')).not.toContain('legs');
    expect(names('transactions')).toEqual(expect.arrayContaining(['transactionId', 'request.at.frame', 'byteRange.start', 'byteRange.end', 'status.code', 'response.status']));
    expect(names('transactions').some((n) => n.endsWith('headers'))).toBe(false);
  });

  it('escapes capture text: no control character in a cell', async () => {
    const doc = hostileDocument((await built(CHAT)).doc);
    for (const kind of CSV_KINDS) {
      const text = [...csvChunks(doc[kind], kind, schemaObject())].join('');
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2066]/);
    }
  });
});

describe.skipIf(!HAVE_PYTHON)('CSV parses with Python, one row per JSON record', () => {
  // Every capture in process (the document the command line builds), the command line itself on a few.
  it.each(CAPTURES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { doc } = await built(c.file);
    const texts = CSV_KINDS.map((kind) => [...csvChunks(doc[kind], kind, schemaObject())].join(''));
    const read = pythonReadAll(texts);
    for (const [i, kind] of CSV_KINDS.entries()) {
      const py = read[i] as PyRead;
      expect(py.rows).toBe(doc[kind].length);
      expect(py.header).toEqual(csvColumns(schemaObject(), kind).map((x) => x.name));
      expect(py.widths).toEqual([py.header.length]);
    }
  });

  it.each([...CAPTURES.filter((c) => c.name === 'samples/chat.pcap'), ...CAPTURES.filter((c) => c.keys !== null).slice(0, 1)].map((c) => [c.name, c] as const))('command line: %s', (_name, c) => {
    const keylog = c.keys === null ? [] : ['--keylog', c.keys];
    const json = JSON.parse(run([c.file, '--json', ...keylog]).stdout) as Record<(typeof CSV_KINDS)[number], unknown[]>;
    for (const kind of CSV_KINDS) {
      const out = run([c.file, '--csv', kind, ...keylog]);
      expect(out.status === 0 || out.status === 3).toBe(true);
      const py = pythonRead(out.stdout);
      expect(py.rows).toBe(json[kind].length);
      expect(py.widths).toEqual([py.header.length]);
    }
  });
});

describe('--csv on the command line', () => {
  it('takes KIND or KIND=FILE; a bad kind is one line, exit 1', () => {
    expect(parseCsvArgument('sessions')).toEqual({ kind: 'sessions', file: undefined });
    expect(parseCsvArgument('Messages=out.csv')).toEqual({ kind: 'messages', file: 'out.csv' });
    expect(parseCsvArgument('transactions=a=b.csv')).toEqual({ kind: 'transactions', file: 'a=b.csv' });
    const bad = run([CHAT, '--csv', 'legs']);
    expect([bad.status, bad.stdout]).toEqual([1, '']);
    expect(bad.stderr).toBe('msrpscope: invalid --csv kind "legs" (expected sessions, messages, transactions; then =FILE to write a file)\n');
    expect(run([CHAT, '--csv', 'sessions', '--json']).status).toBe(1);
  });

  it('writes FILE through output-file.ts and honours the filters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrpscope-csv-'));
    const target = join(dir, 'tx.csv');
    const stdout = run([CHAT, '--csv', 'transactions', '--method', 'SEND']);
    expect(stdout.status).toBe(0);
    const rows = stdout.stdout.split('\r\n').filter((l) => l !== '');
    expect(rows).toHaveLength(1 + 6);
    expect(rows.slice(1).every((r) => r.split(',')[3] === 'SEND')).toBe(true);
    expect(run([CHAT, '--csv', `transactions=${target}`, '--method', 'SEND']).status).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(stdout.stdout);
    const again = run([CHAT, '--csv', `transactions=${target}`]);
    expect([again.status, again.stderr]).toEqual([2, `msrpscope: cannot write ${target}: it exists (use --force to overwrite)\n`]);
    expect(run([CHAT, '--csv', `transactions=${target}`, '--force']).status).toBe(0);
    expect(readFileSync(target, 'utf8').split('\r\n').filter((l) => l !== '')).toHaveLength(1 + 8);
  });
});
