import type { SipDialog } from '../sip/dialogs.js';
import type { SipMessage } from '../sip/message.js';
import type { Diagnostic } from '../util/diagnostics.js';
import type { ConnectionRecord } from './connections.js';
import type { FrameFields } from './fields.js';
import type { MessageRecord } from './messages.js';
import type { SessionRecord } from './sessions.js';
import type { TransactionRecord } from './transactions.js';

/**
 * Change events, emitted as soon as a record is known (for NDJSON and the live TUI). Records are the
 * model's live objects: read them during the callback, they keep changing afterwards.
 */
export type ModelEvent =
  /** A connection turned out to carry MSRP, or one that did was closed. */
  | { type: 'connection'; event: 'msrp' | 'closed'; connection: ConnectionRecord }
  /** A request; `fields` are its correlation headers (the record keeps only the raw headers). */
  | { type: 'request'; transaction: TransactionRecord; fields: FrameFields }
  /** A response; `transaction.request` is undefined when its request was not seen. */
  | { type: 'response'; transaction: TransactionRecord }
  /** A new session (first non-AUTH request between two endpoints). */
  | { type: 'session'; session: SessionRecord }
  /** A message's state became known: complete or aborted on some leg, or incomplete at the end. */
  | { type: 'message'; message: MessageRecord }
  /** A message's delivery became known (delivered or failed). */
  | { type: 'delivery'; message: MessageRecord }
  | { type: 'sip'; message: SipMessage; dialog: SipDialog | undefined }
  | { type: 'diagnostic'; diagnostic: Diagnostic }
  /** End of input: every record is final. */
  | { type: 'summary' };

export type ModelListener = (e: ModelEvent) => void;
