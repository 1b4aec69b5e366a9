import type { FrameRef } from '../capture/types.js';
import type { FileSelector } from '../sip/file-selector.js';
import { isLater } from './frame-time.js';
import { uriKey, uriSessionId } from './uri-key.js';

/** Where the SIP side of a session was negotiated (filled when a dialog's SDP names the session). */
export interface SessionSipLink {
  /** Index of the dialog in the model's SIP dialog list. */
  dialog: number;
  callId: string;
}

const MAX_RELAYS = 16;
const MAX_CONNECTIONS = 256;

/**
 * An MSRP session: the two endpoints' URIs (the last URI of To-Path and of From-Path of any non-AUTH
 * request), an unordered pair, the same on every leg through relays.
 */
export class SessionRecord {
  /** [sender of the first request, its receiver], as sent. */
  readonly endpoints: [string, string];
  readonly sessionIds: [string | undefined, string | undefined];
  readonly relays: string[] = [];
  private readonly relayKeys = new Set<string>();
  readonly connections: number[] = [];
  private readonly connectionSet = new Set<number>();
  readonly requests = new Map<string, number>();
  /** Distinct messages (Message-IDs carried by SEND). */
  messages = 0;
  /** Body bytes of SEND chunks on every leg. */
  wireBytes = 0;
  last: FrameRef;
  sip: SessionSipLink | undefined;
  /** RFC 5547 file-selector negotiated for this session in SDP, if any. */
  fileSelector: FileSelector | undefined;

  constructor(
    readonly index: number,
    readonly key: string,
    from: string,
    to: string,
    readonly first: FrameRef,
  ) {
    this.endpoints = [from, to];
    this.sessionIds = [uriSessionId(from), uriSessionId(to)];
    this.last = first;
  }

  touch(t: FrameRef, connection: number): void {
    if (isLater(this.last, t)) this.last = t;
    if (!this.connectionSet.has(connection) && this.connectionSet.size < MAX_CONNECTIONS) {
      this.connectionSet.add(connection);
      this.connections.push(connection);
    }
  }

  /** Records the URIs between the two ends (relays, RFC 4976). */
  addRelays(toPath: readonly string[], fromPath: readonly string[]): void {
    for (let i = 0; i < toPath.length - 1; i++) this.addRelay(toPath[i] as string);
    for (let i = 0; i < fromPath.length - 1; i++) this.addRelay(fromPath[i] as string);
  }

  private addRelay(uri: string): void {
    if (this.relays.length >= MAX_RELAYS) return;
    const k = uriKey(uri);
    if (this.relayKeys.has(k)) return;
    this.relayKeys.add(k);
    this.relays.push(uri);
  }

  countRequest(method: string): void {
    this.requests.set(method, (this.requests.get(method) ?? 0) + 1);
  }
}

/** Sessions by endpoint pair, and by endpoint session-id (for SDP a=path links). */
export class SessionTable {
  readonly list: SessionRecord[] = [];
  private readonly byKey = new Map<string, SessionRecord>();
  private readonly bySessionId = new Map<string, SessionRecord[]>();

  /** The session of a request with these paths; created when new (`created` tells). */
  resolve(
    toPath: readonly string[],
    fromPath: readonly string[],
    at: FrameRef,
  ): { session: SessionRecord; created: boolean } | undefined {
    const to = toPath[toPath.length - 1];
    const from = fromPath[fromPath.length - 1];
    if (to === undefined || from === undefined) return undefined;
    const a = uriKey(from);
    const b = uriKey(to);
    const key = a < b ? `${a} ${b}` : `${b} ${a}`;
    const found = this.byKey.get(key);
    if (found !== undefined) return { session: found, created: false };
    const s = new SessionRecord(this.list.length, key, from, to, at);
    this.byKey.set(key, s);
    this.list.push(s);
    for (const id of s.sessionIds) {
      if (id === undefined) continue;
      const l = this.bySessionId.get(id);
      if (l === undefined) this.bySessionId.set(id, [s]);
      else if (l.length < 64) l.push(s);
    }
    return { session: s, created: true };
  }

  /** Sessions with an endpoint whose session-id is `id`. */
  withSessionId(id: string): readonly SessionRecord[] {
    return this.bySessionId.get(id) ?? [];
  }
}
