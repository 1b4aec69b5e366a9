import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractBodies } from '../../src/export/extract.js';
import { dispositionFileName, NameAllocator, sanitizeFileName } from '../../src/export/extract-names.js';
import { Correlator } from '../../src/model/correlator.js';
import { CORPUS, HAVE_CORPUS, runCapture } from '../helpers/run-pipeline.js';
import { tempDirs } from '../helpers/temp-dirs.js';
import { feedRequest, finishStore, sendHeaders, tcpConn } from '../helpers/frames.js';

const tempDir = tempDirs('msrpscope-extract-');

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

describe('sanitizeFileName', () => {
  it('keeps names inside the directory and readable', () => {
    expect(sanitizeFileName('../../x')).toBe('x');
    expect(sanitizeFileName('/etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('..\\..\\windows\\system32')).toBe('system32');
    expect(sanitizeFileName('a\u0000b\u001b[31mc\u202ed.txt')).toBe('ab[31mcd.txt');
    expect(sanitizeFileName('..')).toBe('message');
    expect(sanitizeFileName('.')).toBe('message');
    expect(sanitizeFileName('')).toBe('message');
    expect(sanitizeFileName('   ')).toBe('message');
    expect(sanitizeFileName('.hidden')).toBe('hidden');
    expect(sanitizeFileName('CON')).toBe('_CON');
    expect(sanitizeFileName('lpt1.txt')).toBe('_lpt1.txt');
    expect(sanitizeFileName('a<b>c:d"e|f?g*h')).toBe('a_b_c_d_e_f_g_h');
    expect(sanitizeFileName('report..pdf')).toBe('report.pdf');
    expect(sanitizeFileName('rapport é.pdf')).toBe('rapport é.pdf');
    const long = sanitizeFileName(`${'é'.repeat(300)}.pdf`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(180);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('never yields a separator, a control character, a dot name or a long name (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (raw) => {
        const n = sanitizeFileName(raw);
        expect(n.length).toBeGreaterThan(0);
        expect(n).not.toMatch(/[/\\\u0000-\u001f\u007f]/);
        expect(n.includes('..')).toBe(false);
        expect(n.startsWith('.')).toBe(false);
        expect(Buffer.byteLength(n)).toBeLessThanOrEqual(180);
        expect(path.basename(n)).toBe(n);
        expect(path.join('/out', n).startsWith('/out/')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('reads Content-Disposition filenames (quoted, token, RFC 5987)', () => {
    expect(dispositionFileName('attachment; filename="report.pdf"')).toBe('report.pdf');
    expect(dispositionFileName('render; filename=pic.png; size=5')).toBe('pic.png');
    expect(dispositionFileName("attachment; filename*=UTF-8''na%C3%AFve.txt")).toBe('naïve.txt');
    expect(dispositionFileName('attachment; filename="a\\"b"')).toBe('a"b');
    expect(dispositionFileName('inline')).toBeUndefined();
  });

  it('allocates unique names, case-insensitively, keeping the extension and .partial', () => {
    const a = new NameAllocator();
    const take = (n: string) => {
      const r = a.next(n);
      a.take(r.name);
      return r.name;
    };
    expect([take('a.txt'), take('A.TXT'), take('a.txt'), take('x.bin.partial'), take('x.bin.partial')]).toEqual([
      'a.txt',
      'A-2.TXT',
      'a-3.txt',
      'x.bin.partial',
      'x-2.bin.partial',
    ]);
  });
});

function storeWithBodies(): Correlator {
  const store = new Correlator({ keepBodies: true });
  const c = tcpConn(0);
  const send = (id: string, range: string, body: string, flag: '$' | '+' = '$', extra: Array<[string, string]> = [], type = 'text/plain', frame = 1) =>
    feedRequest(store, c, 0, { tid: `t${frame}xxxx`, method: 'SEND', headers: sendHeaders({ id, range, type, extra }), body, flag, frame });
  send('msg-one', '1-5/5', 'hello', '$', [], 'text/plain', 1);
  send('evil', '1-3/3', 'bad', '$', [['Content-Disposition', 'attachment; filename="../../x"']], 'application/octet-stream', 2);
  send('evil2', '1-3/3', 'etc', '$', [['Content-Disposition', 'attachment; filename="/etc/passwd"']], 'application/octet-stream', 3);
  send('evil3', '1-3/3', 'ctl', '$', [['Content-Disposition', 'attachment; filename="a\u0007b\u001b.txt"']], 'text/plain', 4);
  send('dup', '1-3/3', 'one', '$', [['Content-Disposition', 'attachment; filename="same.txt"']], 'text/plain', 5);
  send('dup2', '1-3/3', 'two', '$', [['Content-Disposition', 'attachment; filename="same.txt"']], 'text/plain', 6);
  // Partial: bytes 1-4 and 9-12 of 12, no end.
  send('part', '1-4/12', 'abcd', '+', [], 'application/octet-stream', 7);
  send('part', '9-12/12', 'ijkl', '+', [], 'application/octet-stream', 8);
  send('empty', '1-0/0', '', '$', [], 'text/plain', 9);
  finishStore(store);
  return store;
}

describe('extractBodies', () => {
  it('writes complete bodies as-is, partial ones as .partial, hostile names inside DIR, and a manifest', async () => {
    const dir = tempDir();
    const res = await extractBodies(storeWithBodies().view(), dir);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['ab.txt', 'manifest.json', 'msg-one.txt', 'part.bin.partial', 'passwd', 'same-2.txt', 'same.txt', 'x'].sort());
    expect(readFileSync(path.join(dir, 'x'), 'utf8')).toBe('bad');
    expect(readFileSync(path.join(dir, 'passwd'), 'utf8')).toBe('etc');
    expect(readFileSync(path.join(dir, 'same.txt'), 'utf8')).toBe('one');
    expect(readFileSync(path.join(dir, 'same-2.txt'), 'utf8')).toBe('two');
    const partial = readFileSync(path.join(dir, 'part.bin.partial'));
    expect(partial).toHaveLength(12);
    expect(partial.subarray(0, 4).toString()).toBe('abcd');
    expect(partial.subarray(8).toString()).toBe('ijkl');
    expect([...partial.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(res.empty).toBe(1);
    expect(res.failed).toEqual([]);
    expect(res.manifest).toBe('manifest.json');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: Array<Record<string, unknown>> };
    const one = manifest.files.find((f) => f.file === 'msg-one.txt')!;
    expect(one).toMatchObject({ message: 0, messageId: 'msg-one', session: 0, size: 5, bytes: 5, sha256: sha256('hello'), state: 'complete', nameFrom: 'message-id' });
    const part = manifest.files.find((f) => f.file === 'part.bin.partial')!;
    expect(part).toMatchObject({ state: 'incomplete', size: 12, bytes: 8, sha256: null, holes: [[5, 8]] });
    expect(manifest.files.find((f) => f.file === 'x')).toMatchObject({ nameFrom: 'content-disposition' });
  });

  it('writes a body of thousands of chunks, sent out of order, byte for byte (runs of contiguous pieces)', async () => {
    // 2600 chunks of 3 bytes (more than one writev of 1024 pieces), sent in a shuffled order, one left out.
    const body = Buffer.from(Array.from({ length: 7800 }, (_, i) => 33 + ((i * 7 + 3) % 94)));
    const order = Array.from({ length: 2600 }, (_, i) => i).sort((a, b) => ((a * 7919) % 2600) - ((b * 7919) % 2600));
    const build = (skip: number | undefined): Correlator => {
      const store = new Correlator({ keepBodies: true });
      const c = tcpConn(0);
      let frame = 1;
      for (const k of order) {
        if (k === skip) continue;
        const part = body.subarray(k * 3, k * 3 + 3).toString('latin1');
        feedRequest(store, c, 0, {
          tid: `tx${frame}`,
          method: 'SEND',
          headers: sendHeaders({ id: 'many', range: `${k * 3 + 1}-${k * 3 + 3}/7800`, type: 'application/octet-stream' }),
          body: part,
          flag: k === 2599 ? '$' : '+',
          frame: frame++,
        });
      }
      finishStore(store);
      return store;
    };
    const whole = tempDir();
    await extractBodies(build(undefined).view(), whole);
    expect(readFileSync(path.join(whole, 'many.bin')).equals(body)).toBe(true);
    const holed = tempDir();
    await extractBodies(build(1300).view(), holed);
    const partial = readFileSync(path.join(holed, 'many.bin.partial'));
    expect(partial).toHaveLength(7800);
    expect(partial.subarray(0, 3900).equals(body.subarray(0, 3900))).toBe(true);
    expect([...partial.subarray(3900, 3903)]).toEqual([0, 0, 0]);
    expect(partial.subarray(3903).equals(body.subarray(3903))).toBe(true);
  });

  it('never overwrites and never follows a symlink already in DIR', async () => {
    const dir = tempDir();
    const outside = path.join(tempDir(), 'target.txt');
    writeFileSync(outside, 'untouched');
    symlinkSync(outside, path.join(dir, 'msg-one.txt'));
    writeFileSync(path.join(dir, 'same.txt'), 'old');
    writeFileSync(path.join(dir, 'manifest.json'), '{}');
    const res = await extractBodies(storeWithBodies().view(), dir);
    expect(readFileSync(outside, 'utf8')).toBe('untouched');
    expect(lstatSync(path.join(dir, 'msg-one.txt')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'msg-one-2.txt'), 'utf8')).toBe('hello');
    expect(readFileSync(path.join(dir, 'same.txt'), 'utf8')).toBe('old');
    expect(readFileSync(path.join(dir, 'same-2.txt'), 'utf8')).toBe('one');
    expect(readFileSync(path.join(dir, 'same-3.txt'), 'utf8')).toBe('two');
    expect(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe('{}');
    expect(res.manifest).toBe('manifest-2.json');
    expect(existsSync(path.join(dir, 'manifest-2.json'))).toBe(true);
  });

  it('needs a store that kept bodies', async () => {
    await expect(extractBodies(new Correlator().view(), tempDir())).rejects.toThrow(/keepBodies/);
  });

  it.skipIf(!HAVE_CORPUS)('sip_file_transfer: the file-selector name and the announced sha-1', async () => {
    const { store } = await runCapture(`${CORPUS}/sip_file_transfer.pcap`, { keepBodies: true });
    const dir = tempDir();
    const res = await extractBodies(store.view(), dir);
    expect(res.files.map((f) => [f.file, f.nameFrom, f.state, f.bytes])).toEqual([['report.pdf', 'file-selector', 'complete', 15001]]);
    const data = readFileSync(path.join(dir, 'report.pdf'));
    expect(createHash('sha1').update(data).digest('hex')).toBe('7dcb119d0b3b5d9d94af895ba198a0c900dd5ad7');
    expect(res.files[0]!.sha256).toBe(sha256(data));
  });

  it.skipIf(!HAVE_CORPUS)('relay_abort_fail: an aborted transfer is written as .partial with its holes', async () => {
    const { store } = await runCapture(`${CORPUS}/relay_abort_fail.pcap`, { keepBodies: true });
    const dir = tempDir();
    const res = await extractBodies(store.view(), dir);
    const aborted = res.files.find((f) => f.messageId === 'obcyQL5omCx5Vh')!;
    expect(aborted.file).toBe('obcyQL5omCx5Vh.jpg.partial');
    expect(aborted.state).toBe('aborted');
    expect(aborted.size).toBe(60000);
    expect(aborted.holes).toEqual([[16385, 60000]]);
    expect(res.files.filter((f) => f.state === 'complete')).toHaveLength(4);
  });
});
