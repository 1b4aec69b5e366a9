/** Detail sections for what is not a message: an AUTH exchange, a SIP dialog with its SDP offer/answer. */
import type { JsonSipDialog, JsonTransaction } from '../export/json-types.js';
import type { RecordIndex } from '../export/record-index.js';
import { at, kv, type Section } from './detail-format.js';
import { fmtMs, isFailure } from './format.js';
import type { Line, Style } from './line.js';

export function authSection(ix: RecordIndex, t: JsonTransaction): Section | undefined {
  const a = ix.authOfTransaction(t.id);
  if (a === undefined) return undefined;
  const lines: Line[] = [
    kv('client', a.client),
    kv('relay', a.relay),
    kv('result', `${a.result}${a.code === null ? '' : ` ${a.code}`}`, a.result === 'authorized' ? 'ok' : a.result === 'rejected' ? 'fail' : 'warn'),
  ];
  for (const u of a.usePath) lines.push(kv('Use-Path', u));
  if (a.expires !== null) lines.push(kv('Expires', `${a.expires} s`));
  a.attempts.forEach((x, i) => {
    lines.push(kv(`attempt ${i + 1}`, `${x.authorization ? 'with credentials' : 'no credentials'} → ${x.status ?? 'no answer'}${x.rttMs === null ? '' : ` in ${fmtMs(x.rttMs)}`}  ${at(x.at)}`, isFailure(x.status) && x.status !== 401 ? 'fail' : undefined));
  });
  return { title: `AUTH exchange ${a.id}`, lines };
}

/** A fact of a detail section: key, value (capture text, not yet escaped) and the value's style. */
export type Fact = [key: string, value: string, style: Style | undefined];

export interface FactSection {
  title: string;
  facts: Fact[];
}

/** A SIP dialog's facts: the dialog, then its SDP offer and answer (the TUI's detail and the report show them). */
export function sipFacts(d: JsonSipDialog): FactSection[] {
  const f = (key: string, value: string): Fact => [key, value, undefined];
  const facts: Fact[] = [
    f('Call-ID', d.callId),
    f('transport', d.transport),
    f('from', d.from ?? '-'),
    f('to', d.to ?? '-'),
    f('state', `${d.state}${d.terminatedBy === null ? '' : ` by ${d.terminatedBy}`}${d.byeFrom === null ? '' : ` from the ${d.byeFrom}`}`),
    f('messages', `${d.messages}  requests ${Object.entries(d.requests).map(([k, v]) => `${k} ${v}`).join(', ')}  responses ${Object.entries(d.responses).map(([k, v]) => `${k} ${v}`).join(', ')}`),
    f('first / last', `${at(d.first)} / ${at(d.last)}`),
  ];
  const out: FactSection[] = [{ title: `SIP dialog ${d.id}`, facts }];
  for (const [name, x] of [['SDP offer', d.offer], ['SDP answer', d.answer]] as const) {
    if (x === null) continue;
    const l: Fact[] = [f('in', `${x.kind === 'request' ? x.method ?? 'request' : `${x.status ?? '?'} response`}  ${x.src} → ${x.dst}  frames ${x.frames.join(', ')}`)];
    for (const media of x.msrp) {
      l.push(f('m=message', `${media.port} ${media.proto}${media.setup === null ? '' : `  setup:${media.setup}`}${media.direction === null ? '' : `  ${media.direction}`}`));
      for (const p of media.path) l.push(f('  path', p));
      if (media.acceptTypes.length > 0) l.push(f('  accept-types', media.acceptTypes.join(' ')));
      if (media.fileSelector !== null) {
        const fs = media.fileSelector;
        l.push(f('  file-selector', `${fs.name ?? '?'} ${fs.type ?? ''} ${fs.size ?? '?'} B${fs.hash === null ? '' : ` ${fs.hash.algorithm}:${fs.hash.hex}`}`));
      }
    }
    out.push({ title: name, facts: l });
  }
  return out;
}

export function sipSections(d: JsonSipDialog): Section[] {
  return sipFacts(d).map((s) => ({ title: s.title, lines: s.facts.map(([k, v, style]) => kv(k, v, style)) }));
}
