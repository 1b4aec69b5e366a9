import { CAPTURE_CODES } from '../capture/codes.js';
import { NET_CODES } from '../net/codes.js';
import { TCP_CODES } from '../tcp/codes.js';
import { TRANSPORT_CODES } from '../transport/codes.js';
import { MSRP_CODES } from '../msrp/codes.js';
import { SIP_CODES } from '../sip/codes.js';
import { MODEL_CODES } from '../model/codes.js';
import type { DiagnosticCode } from '../util/diagnostics.js';

/** Every diagnostic code of every layer, in pipeline order (the README's table is made from this). */
export const ALL_CODES: ReadonlyArray<{ layer: string; codes: readonly DiagnosticCode[] }> = [
  { layer: 'capture', codes: CAPTURE_CODES },
  { layer: 'net', codes: NET_CODES },
  { layer: 'tcp', codes: TCP_CODES },
  { layer: 'transport', codes: TRANSPORT_CODES },
  { layer: 'msrp', codes: MSRP_CODES },
  { layer: 'sip', codes: SIP_CODES },
  { layer: 'model', codes: MODEL_CODES },
];

/** The markdown table of codes for the README. */
export function codesMarkdown(): string {
  const rows = ['| code | layer | severity | meaning |', '|---|---|---|---|'];
  for (const { layer, codes } of ALL_CODES) {
    for (const c of codes) rows.push(`| \`${c.code}\` | ${layer} | ${c.severity} | ${c.meaning.replace(/\|/g, '\\|')} |`);
  }
  return rows.join('\n') + '\n';
}
