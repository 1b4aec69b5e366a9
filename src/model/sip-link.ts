import type { SdpExchange, SipDialog } from '../sip/dialogs.js';
import type { FileSelector } from '../sip/file-selector.js';
import type { MsrpMedia } from '../sip/msrp-media.js';
import type { SessionRecord, SessionTable } from './sessions.js';

/** Every SDP exchange of a dialog (offers and answers of all negotiations). */
function* exchanges(d: SipDialog): Generator<SdpExchange> {
  for (const n of d.negotiations) {
    if (n.offer !== undefined) yield n.offer;
    if (n.answer !== undefined) yield n.answer;
  }
}

/** MSRP media of a dialog's SDP whose a=path ends at one of the session's endpoints. */
export function mediaForSession(d: SipDialog, s: SessionRecord): MsrpMedia[] {
  const out: MsrpMedia[] = [];
  for (const ex of exchanges(d)) {
    for (const media of ex.msrp) {
      if (media.sessionId !== undefined && s.sessionIds.includes(media.sessionId)) out.push(media);
    }
  }
  return out;
}

/** Links a session to the dialog that negotiated it and takes over its file-selector. */
export function linkDialog(s: SessionRecord, d: SipDialog, index: number): void {
  if (s.sip === undefined) s.sip = { dialog: index, callId: d.callId };
  if (s.fileSelector === undefined) {
    for (const media of mediaForSession(d, s)) {
      if (media.fileSelector !== undefined) {
        s.fileSelector = media.fileSelector;
        break;
      }
    }
  }
}

/** The file-selector a new message of this session is checked against. */
export function sessionSelector(s: SessionRecord | undefined): FileSelector | undefined {
  return s?.fileSelector;
}

/**
 * SIP dialogs in order of first sight, and which dialog negotiated each MSRP session-id (a=path), so a
 * session is linked whichever comes first: its SDP or its first MSRP request.
 */
export class DialogLinks {
  readonly list: SipDialog[] = [];
  private readonly index = new Map<SipDialog, number>();
  private readonly bySessionId = new Map<string, SipDialog>();
  /** Session-ids of each dialog already linked (dialogs only add ids). */
  private readonly linkedIds = new Map<SipDialog, number>();

  number(d: SipDialog): number {
    return this.index.get(d) ?? -1;
  }

  /** After a SIP message of dialog `d`: list it, and link sessions to any session-ids it newly negotiated. */
  update(d: SipDialog, sessions: SessionTable): void {
    if (!this.index.has(d)) {
      this.index.set(d, this.list.length);
      this.list.push(d);
    }
    const linked = this.linkedIds.get(d) ?? 0;
    if (d.msrpSessionIds.length <= linked) return;
    this.linkedIds.set(d, d.msrpSessionIds.length);
    for (let i = linked; i < d.msrpSessionIds.length; i++) {
      const id = d.msrpSessionIds[i] as string;
      if (!this.bySessionId.has(id)) this.bySessionId.set(id, d);
      for (const s of sessions.withSessionId(id)) linkDialog(s, d, this.number(d));
    }
  }

  /** A new MSRP session: link it when SDP already named one of its session-ids. */
  newSession(s: SessionRecord): void {
    for (const id of s.sessionIds) {
      const d = id === undefined ? undefined : this.bySessionId.get(id);
      if (d !== undefined) {
        linkDialog(s, d, this.number(d));
        return;
      }
    }
  }
}
