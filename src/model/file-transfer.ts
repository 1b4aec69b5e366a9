import type { FileSelector } from '../sip/file-selector.js';
import type { MessageRecord } from './messages.js';

export type { FileSelector } from '../sip/file-selector.js';

/** Media type without parameters, lower-cased. */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const t = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return t === '' ? undefined : t;
}

/** Does the selector describe this message (same media type, or the selector names none)? */
export function selectorMatches(sel: FileSelector, contentType: string | undefined): boolean {
  const want = mediaType(sel.type);
  const got = mediaType(contentType);
  if (got === 'message/imdn+xml' || got === 'application/im-iscomposing+xml') return false;
  return want === undefined || got === undefined || want === got;
}

export type FileVerification = 'verified' | 'mismatch' | 'incomplete' | 'unverified';

export interface FileCheck {
  /**
   * verified: complete, size and hash as announced; mismatch: complete but size or hash differ;
   * incomplete: the body did not fully arrive; unverified: complete, but the announced hash could not be
   * computed (chunks out of order, or the SDP came after the transfer started).
   */
  state: FileVerification;
  expectedSize: number | null;
  actualSize: number | null;
  expectedHash: string | null;
  actualHash: string | null;
  algorithm: string | null;
}

export function checkFile(sel: FileSelector, m: MessageRecord): FileCheck {
  const size = m.size();
  const algorithm = sel.hash?.algorithm ?? null;
  const actualHash = algorithm === 'sha-1' ? m.sha1() : algorithm === 'sha-256' ? m.sha256() : null;
  const out: FileCheck = {
    state: 'incomplete',
    expectedSize: sel.size ?? null,
    actualSize: size,
    expectedHash: sel.hash?.hex ?? null,
    actualHash,
    algorithm,
  };
  if (m.state() !== 'complete') return out;
  const sizeOk = sel.size === undefined || size === sel.size;
  if (!sizeOk) out.state = 'mismatch';
  else if (sel.hash === undefined) out.state = 'verified';
  else if (actualHash === null) out.state = 'unverified';
  else out.state = actualHash === sel.hash.hex ? 'verified' : 'mismatch';
  return out;
}
