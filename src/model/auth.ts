import type { FrameRef } from '../capture/types.js';
import { partFields, type TransactionRecord } from './transactions.js';
import { uriKey } from './uri-key.js';

export type AuthResult = 'authorized' | 'challenged' | 'rejected' | 'unanswered';

const MAX_ATTEMPTS = 32;

/** AUTH exchanges (RFC 4976 §5) of one client with one relay on one connection. */
export class AuthRecord {
  readonly attempts: TransactionRecord[] = [];
  attemptCount = 0;
  last: FrameRef;

  constructor(
    readonly index: number,
    readonly connection: number,
    /** The client's URI (last of From-Path). */
    readonly client: string,
    /** The relay's URI (last of To-Path). */
    readonly relay: string,
    readonly first: FrameRef,
  ) {
    this.last = first;
  }

  add(t: TransactionRecord): void {
    this.attemptCount++;
    if (this.attempts.length < MAX_ATTEMPTS) this.attempts.push(t);
    else this.attempts[MAX_ATTEMPTS - 1] = t;
  }

  /** The latest attempt that got a response, or the latest attempt. */
  private decisive(): TransactionRecord | undefined {
    for (let i = this.attempts.length - 1; i >= 0; i--) {
      const t = this.attempts[i] as TransactionRecord;
      if (t.response !== undefined) return t;
    }
    return this.attempts[this.attempts.length - 1];
  }

  /** authorized (200), challenged (401 last), rejected (403, 423, other failures), unanswered. */
  result(): { result: AuthResult; code: number | null } {
    const last = this.attempts[this.attempts.length - 1];
    if (last !== undefined && last.response === undefined) {
      const d = this.decisive();
      if (d?.response?.status === 200) return { result: 'authorized', code: 200 };
      return { result: 'unanswered', code: d?.response?.status ?? null };
    }
    const code = last?.response?.status ?? null;
    if (code === null) return { result: 'unanswered', code };
    if (code >= 200 && code < 300) return { result: 'authorized', code };
    if (code === 401) return { result: 'challenged', code };
    return { result: 'rejected', code };
  }

  /** Use-Path and Expires of the latest 200 response. */
  granted(): { usePath: readonly string[]; expires: number | null } | undefined {
    for (let i = this.attempts.length - 1; i >= 0; i--) {
      const r = (this.attempts[i] as TransactionRecord).response;
      if (r !== undefined && r.status >= 200 && r.status < 300) {
        const f = partFields(r);
        return { usePath: f.usePath, expires: f.expires ?? null };
      }
    }
    return undefined;
  }
}

/** AUTH exchanges by connection, client and relay. */
export class AuthTable {
  readonly list: AuthRecord[] = [];
  private readonly byKey = new Map<string, AuthRecord>();

  resolve(connection: number, client: string, relay: string, at: FrameRef): AuthRecord {
    const key = `${connection} ${uriKey(client)} ${uriKey(relay)}`;
    let r = this.byKey.get(key);
    if (r === undefined) {
      r = new AuthRecord(this.list.length, connection, client, relay, at);
      this.byKey.set(key, r);
      this.list.push(r);
    }
    return r;
  }
}
