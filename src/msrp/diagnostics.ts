import type { Diagnostic } from '../util/diagnostics.js';
import { printable } from './bytes.js';
import { msrpDiagnostic } from './codes.js';
import { parseTypedHeaders, type TypedHeaders } from './headers.js';
import { lowerName } from './intern.js';
import type { MsrpFrame } from './types.js';

export { MSRP_CODES, msrpDiagnostic, severityOf } from './codes.js';

/** Methods this analyzer knows: RFC 4975 (SEND, REPORT), RFC 4976 (AUTH), RFC 7701 (NICKNAME). */
export const KNOWN_METHODS: ReadonlySet<string> = new Set(['SEND', 'REPORT', 'AUTH', 'NICKNAME']);

/**
 * Conformance checks of one framed message against RFC 4975/4976/7701 (header order, mandatory
 * headers, Byte-Range against the body, header values). Returns diagnostics tied to the message's first
 * frame and start offset; never throws. Pass `typed` when the headers were already typed.
 */
export function checkConformance(frame: MsrpFrame, typed?: TypedHeaders, connection = -1): Diagnostic[] {
  const out: Diagnostic[] = [];
  // The message named in every detail, made only when there is something to report.
  let whatText: string | undefined;
  const what = (): string =>
    (whatText ??= frame.kind === 'request' ? `${frame.method} ${frame.transactionId}` : `${frame.status} ${frame.transactionId}`);
  const add = (code: string, detail: string): void => {
    out.push(msrpDiagnostic(code, connection, frame.firstFrame.frame, frame.startOffset, printable(detail, 160)));
  };
  let t = typed;
  if (!t) {
    const r = parseTypedHeaders(frame.headers);
    t = r.values;
    for (const p of r.diagnostics) add(p.code, `${what()}: ${p.detail}`);
  }

  if (frame.status !== undefined && (frame.status < 200 || frame.status > 699)) {
    add('invalid-status-code', `${what()}: status code outside 200..699`);
  }
  if (frame.method !== undefined && !KNOWN_METHODS.has(frame.method)) {
    add('unknown-method', `${what()}: method not in SEND, REPORT, AUTH, NICKNAME`);
  }

  // Header order: To-Path first, From-Path second (RFC 4975 section 7.1). One pass over the names.
  const h = frame.headers;
  let hasTo = false;
  let hasFrom = false;
  let hasMessageId = false;
  let hasByteRange = false;
  let hasStatus = false;
  let ctIndex = -1;
  let name0 = '';
  let name1 = '';
  for (let i = 0; i < h.length; i++) {
    const n = lowerName(h[i]!.name);
    if (i === 0) name0 = n;
    else if (i === 1) name1 = n;
    switch (n) {
      case 'to-path':
        hasTo = true;
        break;
      case 'from-path':
        hasFrom = true;
        break;
      case 'message-id':
        hasMessageId = true;
        break;
      case 'byte-range':
        hasByteRange = true;
        break;
      case 'status':
        hasStatus = true;
        break;
      case 'content-type':
        if (ctIndex === -1) ctIndex = i;
        break;
    }
  }
  if (!hasTo) add('missing-to-path', `${what()}: no To-Path header`);
  else if (name0 !== 'to-path') add('to-path-not-first', `${what()}: first header is ${h[0]!.name}`);
  if (!hasFrom) add('missing-from-path', `${what()}: no From-Path header`);
  else if (name1 !== 'from-path') add('from-path-not-second', `${what()}: second header is ${h[1]?.name ?? 'missing'}`);

  // Body and Content-Type.
  if (frame.hasBody) {
    if (frame.kind === 'response') add('response-with-body', `${what()}: response with a body`);
    if (ctIndex === -1) {
      if (frame.bodyLength > 0) add('body-without-content-type', `${what()}: ${frame.bodyLength}-byte body without Content-Type`);
    } else if (ctIndex !== h.length - 1) {
      add('content-type-not-last', `${what()}: ${h[h.length - 1]!.name} follows Content-Type`);
    }
  }

  if (frame.method === 'SEND') {
    if (t.messageId === undefined && !hasMessageId) {
      add('send-without-message-id', `${what()}: no Message-ID`);
    }
    if (!hasByteRange) add('send-without-byte-range', `${what()}: no Byte-Range`);
  }
  if (frame.method === 'REPORT' && !hasStatus) {
    add('report-without-status', `${what()}: no Status`);
  }
  if (frame.method !== 'REPORT' && hasStatus) {
    add('status-on-non-report', `${what()}: Status header outside a REPORT`);
  }

  // Byte-Range against the body: SEND, and any other request that carries a body.
  const br = t.byteRange;
  if (br && frame.kind === 'request' && (frame.method === 'SEND' || frame.hasBody) && br.start >= 1 && (br.end === null || br.end >= br.start - 1)) {
    const len = frame.bodyLength;
    if (br.end !== null && !frame.truncated) {
      const want = br.end - br.start + 1;
      const ok = frame.flag === '#' ? len <= want : len === want;
      if (!ok) add('byte-range-length-mismatch', `${what()}: Byte-Range ${br.start}-${br.end} announces ${want} bytes, body has ${len}`);
    }
    if (br.total !== null) {
      const last = br.end ?? (frame.truncated ? null : br.start + len - 1);
      if (last !== null && last > br.total) {
        add('byte-range-total-mismatch', `${what()}: range ends at ${last}, past total ${br.total}`);
      } else if (last !== null && frame.flag === '$' && last !== br.total) {
        add('byte-range-total-mismatch', `${what()}: last chunk ends at ${last}, total is ${br.total}`);
      }
    }
  }
  return out;
}
