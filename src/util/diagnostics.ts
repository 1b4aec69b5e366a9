/**
 * The one shape every layer uses to report an anomaly. Codes are stable kebab-case strings; each layer
 * lists its own codes (with severity and meaning) in a `codes.ts` of its folder, and the README documents
 * them all in one table.
 */
export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  code: string;
  severity: Severity;
  /** 1-based frame number (Wireshark numbering), 0 when not tied to a frame. */
  frame: number;
  /** 0-based connection index, or -1 when not tied to a connection. */
  connection: number;
  /** Byte offset in the stream (or file, for capture errors) when known. */
  offset?: number;
  /** One line of human text; never contains raw control characters. */
  detail: string;
}

export type DiagnosticSink = (d: Diagnostic) => void;

/** A code table entry, as each layer declares it. */
export interface DiagnosticCode {
  code: string;
  severity: Severity;
  meaning: string;
}
