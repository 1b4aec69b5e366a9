import type { FrameRef } from '../capture/types.js';
import type { Dir } from '../tcp/types.js';
import type { WebSocketFacts } from './types.js';
import { WsConnection } from './ws-connection.js';
import { expectedAccept, headEnd, MAX_HTTP_HEAD, parseUpgradeRequest, parseUpgradeResponse, type UpgradeRequest } from './ws-handshake.js';

/** What the heads seen so far decide. `base`: stream offset just past each direction's head. */
export type UpgradeVerdict =
  | { kind: 'pending' }
  | { kind: 'plain' }
  | { kind: 'websocket'; facts: WebSocketFacts; base: [number, number] };

export interface UpgradeHooks {
  diag(code: string, dir: Dir | undefined, detail: string, at: FrameRef): void;
  /** The request was an upgrade: its facts exist from now on (upgraded or not). */
  register(facts: WebSocketFacts): void;
}

const HTTP_PREFIX = Buffer.from('HTTP/', 'latin1');
const PENDING: UpgradeVerdict = { kind: 'pending' };
const PLAIN: UpgradeVerdict = { kind: 'plain' };

/**
 * The WebSocket opening handshake (RFC 6455 section 4) of a connection whose first bytes were `GET `: gathers
 * the request and response heads (bounded by MAX_HTTP_HEAD each) and decides between an upgraded WebSocket and
 * a plain stream. The caller holds the stream bytes meanwhile and replays them as the verdict says.
 */
export class HttpUpgrade {
  private readonly heads: [Buffer | undefined, Buffer | undefined] = [undefined, undefined];
  private readonly headLen: [number, number] = [0, 0];
  /** Offset just past each head's blank line, -1 until found. */
  private readonly headEnd: [number, number] = [-1, -1];
  private request: UpgradeRequest | undefined;
  private facts: WebSocketFacts | undefined;

  constructor(
    readonly reqDir: Dir,
    private readonly hooks: UpgradeHooks,
    private readonly maxHeld: number,
  ) {}

  /** Copies the first bytes of a direction into its head buffer until the blank line. */
  push(dir: Dir, bytes: Buffer): void {
    if (this.headEnd[dir] !== -1) return;
    let head = this.heads[dir];
    if (head === undefined) head = this.heads[dir] = Buffer.alloc(MAX_HTTP_HEAD);
    const had = this.headLen[dir];
    const take = Math.min(MAX_HTTP_HEAD - had, bytes.length);
    bytes.copy(head, had, 0, take);
    const n = had + take;
    this.headLen[dir] = n;
    // Only the new bytes (and the 3 before them) can complete the blank line.
    const from = Math.max(0, had - 3);
    const end = headEnd(head.subarray(from), n - from);
    if (end !== -1) this.headEnd[dir] = from + end;
  }

  /** The verdict after the bytes pushed so far; `heldBytes`: what the caller holds for this connection. */
  decide(at: FrameRef, heldBytes: number): UpgradeVerdict {
    const req = this.reqDir;
    const resp: Dir = req === 0 ? 1 : 0;
    if (this.request === undefined) {
      if (this.headEnd[req] === -1) {
        return this.headLen[req] >= MAX_HTTP_HEAD || heldBytes > this.maxHeld ? PLAIN : PENDING;
      }
      const request = parseUpgradeRequest(this.heads[req]!.subarray(0, this.headEnd[req]));
      if (!request.upgrade || request.method !== 'GET') return PLAIN;
      this.request = request;
      this.facts = {
        kind: 'websocket',
        clientDir: req,
        upgraded: false,
        status: null,
        path: request.target,
        host: request.host,
        origin: request.origin,
        offeredProtocols: request.protocols,
        protocol: null,
        extensions: null,
        acceptValid: null,
        requestFrame: at.frame,
        responseFrame: null,
        dirs: [WsConnection.newDirFacts(), WsConnection.newDirFacts()],
      };
      this.hooks.register(this.facts);
    }
    const facts = this.facts!;
    const respHead = this.heads[resp];
    const seen = Math.min(this.headLen[resp], HTTP_PREFIX.length);
    if (respHead !== undefined && respHead.compare(HTTP_PREFIX, 0, seen, 0, seen) !== 0) {
      // The answer is not an HTTP/1.x response at all.
      facts.responseFrame = at.frame;
      this.hooks.diag('ws-upgrade-refused', undefined, `upgrade request for ${facts.path} answered with a response that is not HTTP/1.x`, at);
      return PLAIN;
    }
    if (this.headEnd[resp] === -1) {
      if (this.headLen[resp] >= MAX_HTTP_HEAD || heldBytes > this.maxHeld) {
        this.incomplete(at, this.headLen[resp] >= MAX_HTTP_HEAD ? 'response head too long' : 'too many bytes before the response');
        return PLAIN;
      }
      return PENDING;
    }
    const response = parseUpgradeResponse(this.heads[resp]!.subarray(0, this.headEnd[resp]));
    facts.status = response.status;
    facts.responseFrame = at.frame;
    if (response.status !== 101) {
      const what = response.status === null ? 'a response that is not HTTP/1.x' : `status ${response.status}`;
      this.hooks.diag('ws-upgrade-refused', undefined, `upgrade request for ${facts.path} answered with ${what}`, at);
      return PLAIN;
    }
    facts.upgraded = true;
    facts.protocol = response.protocol;
    facts.extensions = response.extensions;
    const key = this.request.key;
    if (key !== null && response.accept !== null) {
      facts.acceptValid = expectedAccept(key) === response.accept.trim();
      if (!facts.acceptValid) this.hooks.diag('ws-bad-accept', resp, 'Sec-WebSocket-Accept does not match the request key', at);
    }
    const base: [number, number] = [this.headEnd[0] === -1 ? 0 : this.headEnd[0], this.headEnd[1] === -1 ? 0 : this.headEnd[1]];
    return { kind: 'websocket', facts, base };
  }

  /** The handshake cannot complete (a gap, the connection closed): one note when a request was seen. */
  incomplete(at: FrameRef, why: string): void {
    if (this.request === undefined) return;
    this.hooks.diag('ws-handshake-incomplete', undefined, `upgrade request for ${this.facts?.path ?? ''} without a complete response: ${why}`, at);
  }
}
