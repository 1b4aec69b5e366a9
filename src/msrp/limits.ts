/** Default bounds of the MSRP parser. A body never has a limit: it is streamed. */
export const DEFAULT_PREVIEW_BYTES = 256;
/** Longest start-line accepted, line terminator included. */
export const DEFAULT_MAX_START_LINE = 1024;
/** Longest header line accepted, line terminator included. */
export const DEFAULT_MAX_HEADER_LINE = 16384;
/** Largest header block (all header lines of one message, terminators included). */
export const DEFAULT_MAX_HEADER_BLOCK = 65536;

/** Shortest and longest transaction id (RFC 4975 `ident`: 4 to 32 characters). */
export const TXID_MIN = 4;
export const TXID_MAX = 32;

/** Bytes of a frame's start-line and header block kept while it is parsed, for a frame cut before its end-line. */
export const CUT_HEAD_BYTES = 4096;
