import type { FrameRef } from '../capture/types.js';

/** A header as sent: name with its original case, raw value (folded whitespace trimmed at the ends). */
export interface RawHeader {
  name: string;
  value: string;
}

export type EndFlag = '$' | '+' | '#';

/** One MSRP request or response, as framed on one direction of one stream. */
export interface MsrpFrame {
  kind: 'request' | 'response';
  transactionId: string;
  /** Request method as sent (e.g. SEND), or undefined for responses. */
  method: string | undefined;
  /** Response status code, or undefined for requests. */
  status: number | undefined;
  /** Response comment (reason phrase) or ''. */
  comment: string;
  headers: RawHeader[];
  /** Body length in bytes (0 when there is no body). */
  bodyLength: number;
  /** True when the message had a body part (even an empty one), i.e. a blank line after the headers. */
  hasBody: boolean;
  /** First bytes of the body (at most the parser's preview limit), a copy. */
  bodyPreview: Buffer;
  /** Hex sha256 of the body when the parser was asked to hash bodies, else undefined. */
  bodySha256: string | undefined;
  /** End-line flag, or undefined when the message was truncated (gap or stream end). */
  flag: EndFlag | undefined;
  truncated: boolean;
  /** Stream offsets (0-based, counting gap bytes as if present) of the first byte and one past the last byte. */
  startOffset: number;
  endOffset: number;
  firstFrame: FrameRef;
  lastFrame: FrameRef;
  /** True when line endings were LF only. */
  lfOnly: boolean;
}
