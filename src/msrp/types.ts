import type { FrameRef } from '../capture/types.js';
import type { Diagnostic } from '../util/diagnostics.js';

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
  /** What the parser knows of a truncated frame (undefined for a complete one). */
  cut?: CutFrame | undefined;
}

/** Why a frame ended without its end-line: a TCP gap, the end of the stream, or the next start-line. */
export type CutReason = 'gap' | 'end' | 'next-start-line';

/** A frame cut before its end-line: where, why, and its first bytes as received. */
export interface CutFrame {
  reason: CutReason;
  /** The part it was cut in. */
  in: 'headers' | 'body';
  /** Bytes of the frame received (endOffset - startOffset). */
  length: number;
  /** Body bytes received (0 when cut in the header block). */
  bodyLength: number;
  /** The start-line and header block as received (the last line possibly partial), at most CUT_HEAD_BYTES; a copy. */
  head: Buffer;
}

/** Receives what an MsrpParser finds on one direction of one stream. */
export interface MsrpParserSink {
  /** A complete (or truncated) message; called after head() and every body() of it. */
  message(m: MsrpFrame): void;
  /**
   * Headers are known, body not yet (body fields are not final; the same object is later passed to
   * message()). Not called for a message truncated inside its header block.
   */
  head?(m: MsrpFrame): void;
  /** A slice of the current message's body, in order: a view of the pushed bytes, copy it to keep it. */
  body?(slice: Buffer, from: FrameRef): void;
  diagnostic(d: Diagnostic): void;
  /** A plausible start-line was accepted (its first byte at stream offset `offset`). */
  sync?(offset: number, at: FrameRef): void;
}

export interface MsrpParserOptions {
  /** Connection index written into diagnostics. */
  connection: number;
  dir: 0 | 1;
  /** Bytes of body kept as preview (default 256). */
  previewBytes?: number;
  /** Compute a sha256 of every body (default false). */
  hashBodies?: boolean;
  /** Longest start-line incl. terminator (default 1024). */
  maxStartLine?: number;
  /** Longest header line incl. terminator (default 16384). */
  maxHeaderLine?: number;
  /** Largest header block (default 65536). */
  maxHeaderBlock?: number;
  /** The stream is known to start at a message boundary (default false: the start may be mid-message). */
  startInSync?: boolean;
  /** Run checkConformance on every message and report its diagnostics (default true). */
  conformance?: boolean;
}
