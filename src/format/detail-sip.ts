/** Detail sections for what is not a message: an AUTH exchange, a SIP dialog with its SDP offer/answer. */
import type { JsonSipDialog, JsonTransaction } from '../export/json-types.js';
import type { DocIndex } from './doc-index.js';
import { at, kv, type Section } from './detail-format.js';
import { fmtMs, isFailure } from './format.js';
import type { Line } from './line.js';

export function authSection(ix: DocIndex, t: JsonTransaction): Section | undefined {
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

export function sipSections(d: JsonSipDialog): Section[] {
  const lines: Line[] = [
    kv('Call-ID', d.callId),
    kv('transport', d.transport),
    kv('from', d.from ?? '-'),
    kv('to', d.to ?? '-'),
    kv('state', `${d.state}${d.terminatedBy === null ? '' : ` by ${d.terminatedBy}`}${d.byeFrom === null ? '' : ` from the ${d.byeFrom}`}`),
    kv('messages', `${d.messages}  requests ${Object.entries(d.requests).map(([k, v]) => `${k} ${v}`).join(', ')}  responses ${Object.entries(d.responses).map(([k, v]) => `${k} ${v}`).join(', ')}`),
    kv('first / last', `${at(d.first)} / ${at(d.last)}`),
  ];
  const out: Section[] = [{ title: `SIP dialog ${d.id}`, lines }];
  for (const [name, x] of [['SDP offer', d.offer], ['SDP answer', d.answer]] as const) {
    if (x === null) continue;
    const l: Line[] = [kv('in', `${x.kind === 'request' ? x.method ?? 'request' : `${x.status ?? '?'} response`}  ${x.src} → ${x.dst}  frames ${x.frames.join(', ')}`)];
    for (const media of x.msrp) {
      l.push(kv('m=message', `${media.port} ${media.proto}${media.setup === null ? '' : `  setup:${media.setup}`}${media.direction === null ? '' : `  ${media.direction}`}`));
      for (const p of media.path) l.push(kv('  path', p));
      if (media.acceptTypes.length > 0) l.push(kv('  accept-types', media.acceptTypes.join(' ')));
      if (media.fileSelector !== null) {
        const fs = media.fileSelector;
        l.push(kv('  file-selector', `${fs.name ?? '?'} ${fs.type ?? ''} ${fs.size ?? '?'} B${fs.hash === null ? '' : ` ${fs.hash.algorithm}:${fs.hash.hex}`}`));
      }
    }
    out.push({ title: name, lines: l });
  }
  return out;
}
