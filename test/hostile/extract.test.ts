import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/cli/pipeline.js';
import { extractBodies } from '../../src/export/extract.js';
import { Correlator } from '../../src/model/correlator.js';
import { ExtractStore } from '../../src/export/extract-store.js';
import { buildMsrpCapture, FROM, msrpRequest, msrpResponse, sipMessage, TO } from './build-capture.js';

// --extract with names an attacker chooses (Content-Disposition filename, file-selector name, Message-ID):
// nothing may land outside DIR, follow a symlink planted in DIR, or overwrite a file already there.
const HOSTILE_NAMES = [
  '../../../../tmp/msrpscope-escape-1', '/etc/msrpscope-escape-2', '..\\..\\msrpscope-escape-3', 'a/../../msrpscope-escape-4',
  '..', '.', '', 'CON', 'nul.txt', 'com1', 'a\x00b.txt', '\u202etxt.exe', 'x'.repeat(600), 'planted-link', 'existing.txt',
  'EXISTING.TXT', '\x1b[31mred', ' ..  ', 'a:b*c?"<>|.txt',
];

function hostileExtractCapture(): Buffer {
  const sdp = ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', 'm=message 2855 TCP/MSRP *',
    `a=path:${FROM}`, 'a=sendonly', 'a=file-selector:name:"../../../../tmp/msrpscope-escape-sel" type:text/plain size:4', ''].join('\r\n');
  const invite = sipMessage('INVITE sip:bob@example.com SIP/2.0', [['Via', 'SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1'], ['From', '<sip:a@example.com>;tag=1'],
    ['To', '<sip:b@example.com>'], ['Call-ID', 'extract-1'], ['CSeq', '1 INVITE'], ['Content-Type', 'application/sdp']], sdp);
  const ex: Array<{ from: 'c' | 's' | 'u'; bytes: string }> = [{ from: 'u', bytes: invite }];
  HOSTILE_NAMES.forEach((name, i) => {
    const txid = `tx${String(i).padStart(4, '0')}`;
    const q = name.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    ex.push({ from: 'c', bytes: msrpRequest(txid, 'SEND', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', `mid-${i}`], ['Byte-Range', '1-4/4'],
      ['Content-Type', 'text/plain'], ['Content-Disposition', `attachment; filename="${q}"`]], `b${String(i).padStart(3, '0')}`) });
    ex.push({ from: 's', bytes: msrpResponse(txid, '200 OK', [['To-Path', FROM], ['From-Path', TO]]) });
  });
  // Message-IDs as names (no Content-Disposition), including one that is all dots and slashes.
  for (const [i, mid] of ['....', '../..', '..%2F..%2Fescape'].entries()) {
    const txid = `ty${i}abc`;
    ex.push({ from: 'c', bytes: msrpRequest(txid, 'SEND', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', mid], ['Byte-Range', '1-4/4'], ['Content-Type', 'text/plain']], 'mmmm') });
  }
  return buildMsrpCapture(ex);
}

describe('--extract with hostile names', () => {
  // Bodies held in memory, and written into DIR as the capture is read (as the command line does).
  it.each([['held in memory', false], ['written into DIR while read', true]])('writes every body inside DIR, follows no planted symlink, overwrites nothing (%s)', async (_how, streamed) => {
    const base = mkdtempSync(join(tmpdir(), 'msrpscope-extract-'));
    const dir = join(base, 'out');
    const outside = join(base, 'outside');
    mkdirSync(dir);
    mkdirSync(outside);
    const target = join(outside, 'target.txt');
    writeFileSync(target, 'untouched');
    symlinkSync(target, join(dir, 'planted-link'));
    symlinkSync(outside, join(dir, 'planted-dir'));
    writeFileSync(join(dir, 'existing.txt'), 'keep me');

    const bodies = streamed ? new ExtractStore(dir) : undefined;
    const store = new Correlator({ keepBodies: true, bodyStore: bodies === undefined ? undefined : () => bodies.bodyStore() });
    await runPipeline({ sources: [{ name: 'x', input: Readable.from([hostileExtractCapture()]) }], model: store });
    expect(store.view().messages().length).toBe(HOSTILE_NAMES.length + 3);
    const res = await extractBodies(store.view(), dir);

    expect(res.failed).toEqual([]);
    expect(res.files).toHaveLength(store.view().messages().length);
    const listing = readdirSync(dir);
    for (const f of res.files) {
      // A single path component, created in DIR as a regular file.
      expect(f.file).not.toMatch(/[/\\\x00]/);
      expect(f.file === '.' || f.file === '..').toBe(false);
      expect(listing).toContain(f.file);
      expect(lstatSync(join(dir, f.file)).isFile()).toBe(true);
      expect(Buffer.byteLength(f.file)).toBeLessThanOrEqual(255);
      expect(f.file).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    }
    // Nothing escaped, nothing followed, nothing overwritten.
    expect(readFileSync(target, 'utf8')).toBe('untouched');
    expect(readdirSync(outside)).toEqual(['target.txt']);
    expect(readFileSync(join(dir, 'existing.txt'), 'utf8')).toBe('keep me');
    expect(lstatSync(join(dir, 'planted-link')).isSymbolicLink()).toBe(true);
    for (let k = 1; k <= 4; k++) expect(existsSync(`/tmp/msrpscope-escape-${k}`)).toBe(false);
    expect(existsSync('/etc/msrpscope-escape-2')).toBe(false);
    expect(existsSync('/tmp/msrpscope-escape-sel')).toBe(false);
    // Reserved device names are never used bare.
    for (const f of res.files) expect(f.file).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
    // Every body is there under its name (4 bytes each), and nothing else was left in DIR.
    for (const f of res.files) expect(f.bytes).toBe(4);
    for (const f of res.files) expect(readFileSync(join(dir, f.file)).length).toBe(4);
    expect(listing.sort()).toEqual([...res.files.map((f) => f.file), res.manifest, 'existing.txt', 'planted-dir', 'planted-link'].sort());
  });
});
