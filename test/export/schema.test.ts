import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildJsonDocument } from '../../src/export/json.js';
import { JSON_SCHEMA } from '../../src/export/schema.js';
import { validateSchema } from '../../src/export/schema-check.js';
import { Correlator } from '../../src/model/correlator.js';
import { CORPUS, HAVE_CORPUS, runCapture } from '../helpers/run-pipeline.js';
import { feedRequest, feedResponse, finishStore, reportHeaders, sendHeaders, tcpConn } from '../helpers/frames.js';

const SAMPLES = fileURLToPath(new URL('../../samples', import.meta.url));

describe('schema-check (the validator itself)', () => {
  const schema = {
    $defs: { pos: { type: 'integer', minimum: 1 } },
    type: 'object',
    properties: {
      n: { $ref: '#/$defs/pos' },
      s: { anyOf: [{ type: 'string', pattern: '^a' }, { type: 'null' }] },
      e: { enum: ['x', 'y'] },
      l: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 2 },
      o: { oneOf: [{ type: 'integer' }, { type: 'number' }] },
      m: { type: 'object', propertyNames: { pattern: '^\\d+$' }, additionalProperties: { type: 'integer' } },
    },
    required: ['n'],
    additionalProperties: false,
  };

  it('accepts a valid value', () => {
    expect(validateSchema(schema, { n: 3, s: 'abc', e: 'x', l: [1.5], o: 1.5, m: { '200': 1 } })).toEqual([]);
    expect(validateSchema(schema, { n: 1, s: null })).toEqual([]);
  });

  it('reports each kind of violation with its path', () => {
    const errs = validateSchema(schema, { n: 0, s: 'b', e: 'z', l: [], o: 2, m: { ok: 1.5 }, extra: true });
    const byPath = errs.map((e) => `${e.path}: ${e.message}`);
    expect(byPath).toContain('/n: 0 < minimum 1');
    expect(byPath.some((x) => x.startsWith('/s: matches none of anyOf'))).toBe(true);
    expect(byPath.some((x) => x.startsWith('/e:'))).toBe(true);
    expect(byPath).toContain('/l: fewer than 1 items');
    expect(byPath).toContain('/o: matches 2 of oneOf, expected exactly 1');
    expect(byPath.some((x) => x.startsWith('/m/ok(name):'))).toBe(true);
    expect(byPath).toContain('/m/ok: expected integer, got number');
    expect(byPath).toContain('/: unexpected property "extra"');
    expect(validateSchema(schema, {}).map((e) => e.message)).toEqual(['missing required "n"']);
    expect(validateSchema(schema, { n: '1' })[0]?.message).toBe('expected integer, got string');
  });

  it('refuses keywords it does not implement instead of ignoring them', () => {
    expect(validateSchema({ type: 'string', maxLength: 3 }, 'abcdef')[0]?.message).toBe('unsupported schema keyword "maxLength"');
    expect(validateSchema({ $ref: '#/$defs/missing' }, 1)[0]?.message).toBe('unresolvable $ref #/$defs/missing');
  });

  it('the project schema only uses supported keywords', () => {
    // Validating something trivially wrong must produce type errors only, never "unsupported".
    const errs = validateSchema(JSON_SCHEMA, { schema: 'msrpscope/1' });
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.filter((e) => e.message.startsWith('unsupported'))).toEqual([]);
  });
});

describe('JSON documents validate against src/export/schema.ts', () => {
  it('a synthetic store with every record kind', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'auth0001', method: 'AUTH', headers: [['To-Path', 'msrp://r:2865;tcp'], ['From-Path', 'msrp://a:1/s;tcp']], frame: 1 });
    feedResponse(store, c, 1, { tid: 'auth0001', status: 200, frame: 2, headers: [['Use-Path', 'msrp://r:2865/x;tcp'], ['Expires', '60']] });
    feedRequest(store, c, 0, { tid: 'send0001', method: 'SEND', headers: sendHeaders({ id: 'm', range: '1-*/*', type: 'text/plain' }), body: 'hi', flag: '+', frame: 3 });
    feedRequest(store, c, 0, { tid: 'send0002', method: 'SEND', headers: sendHeaders({ id: 'm', range: '3-4/4', type: 'text/plain' }), body: 'yo', frame: 4 });
    feedResponse(store, c, 1, { tid: 'send0002', status: 200, frame: 5 });
    feedRequest(store, c, 1, { tid: 'rep00001', method: 'REPORT', headers: reportHeaders({ id: 'm', range: '1-4/4', status: '000 200 OK' }), frame: 6 });
    feedResponse(store, c, 1, { tid: 'orphan01', status: 481, frame: 7 });
    store.diagnostic({ code: 'test-note', severity: 'note', frame: 7, connection: 0, offset: 12, detail: 'x' });
    finishStore(store);
    const doc = JSON.parse(JSON.stringify(buildJsonDocument(store.view(), { version: '9.9.9' }))) as unknown;
    expect(validateSchema(JSON_SCHEMA, doc)).toEqual([]);
    // A broken copy is caught: numbers must stay numbers.
    const broken = JSON.parse(JSON.stringify(doc)) as { messages: Array<{ legs: Array<{ ranges: unknown }> }> };
    broken.messages[0]!.legs[0]!.ranges = [['1', '4']];
    expect(validateSchema(JSON_SCHEMA, broken).length).toBeGreaterThan(0);
  });

  const samples = existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f)) : [];
  for (const f of samples) {
    it(`samples/${f}`, async () => {
      const { store } = await runCapture(`${SAMPLES}/${f}`);
      const doc = JSON.parse(JSON.stringify(buildJsonDocument(store.view()))) as unknown;
      expect(validateSchema(JSON_SCHEMA, doc)).toEqual([]);
    });
  }

  const corpus = HAVE_CORPUS ? readdirSync(CORPUS).filter((f) => /\.pcap(ng)?$/.test(f)) : [];
  describe.skipIf(!HAVE_CORPUS)('corpus', () => {
    for (const f of corpus) {
      it(f, async () => {
        const { store } = await runCapture(`${CORPUS}/${f}`);
        const doc = JSON.parse(JSON.stringify(buildJsonDocument(store.view()))) as { summary: { requests: Record<string, number> } };
        expect(validateSchema(JSON_SCHEMA, doc)).toEqual([]);
        expect(Object.values(doc.summary.requests).every((n) => typeof n === 'number')).toBe(true);
      });
    }
  });
});
