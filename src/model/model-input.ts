import type { CaptureInfo, FrameRef } from '../capture/types.js';
import type { DecodeStats } from '../net/types.js';
import type { CloseReason, Dir, TcpConnection } from '../tcp/types.js';
import type { MsrpFrame } from '../msrp/types.js';
import type { MsrpEndpointInfo } from '../sip/dialogs.js';
import type { SipMessage } from '../sip/message.js';
import type { TransportFactsLookup } from '../transport/facts.js';
import type { Diagnostic } from '../util/diagnostics.js';

/**
 * What the pipeline (built by cli/) feeds into the model. The model turns it into records that
 * exporters and the TUI read through a ModelView. Every method is cheap (O(1) amortised per call).
 */
export interface ModelInput {
  connectionOpened(conn: TcpConnection): void;
  /**
   * Marks the connection closed. Its pending requests are settled (unanswered ones flagged) by the next
   * settleClosed() that does not name it, or at finish().
   */
  connectionClosed(conn: TcpConnection, reason: CloseReason): void;
  /**
   * Settles the connections closed so far, except `current` (the connection whose input comes next):
   * flags their unanswered requests, frees their working state and announces them closed. The pipeline
   * calls it before each input for a connection, so frames a parser flushes at close are accounted first.
   */
  settleClosed(current: number): void;
  /** A connection turned out to carry MSRP (first frame parsed on it). */
  msrpConnection(conn: TcpConnection): void;
  /** Headers of a request/response are known; its body slices follow, then msrpFrame(). */
  msrpHead(conn: TcpConnection, dir: Dir, m: MsrpFrame): void;
  msrpBody(conn: TcpConnection, dir: Dir, slice: Buffer, from: FrameRef): void;
  msrpFrame(conn: TcpConnection, dir: Dir, m: MsrpFrame): void;
  diagnostic(d: Diagnostic): void;
  /** One SIP message (UDP datagram or SIP-over-TCP stream); links MSRP sessions to dialogs via SDP a=path. */
  sipMessage(msg: SipMessage): void;
  /** Calls `listener` for each MSRP endpoint a SIP SDP announces (so the MSRP parser can expect it). */
  onMsrpEndpoint(listener: (ep: MsrpEndpointInfo) => void): void;
  /** The per-connection WebSocket/TLS facts of the transport layer, which the outputs show. */
  useTransportFacts(facts: TransportFactsLookup): void;
  /** The capture's facts as the reader fills them (timestamp precision for live output). */
  captureStarted(info: CaptureInfo): void;
  /** End of input: capture facts, decoder counters, parser counters. */
  finish(facts: CaptureFacts): void;
}

export interface CaptureFacts {
  files: string[];
  info: CaptureInfo;
  decode: DecodeStats;
  bytesSkipped: number;
  tlsConnections: number;
}
