/**
 * Cheap check of RFC 7977's rule that one WebSocket message carries exactly one MSRP message: a message
 * must start with `MSRP <txid> ` and end with that transaction's end-line `-------<txid>` + `$`/`+`/`#` + CRLF.
 *
 * Fed piece by piece (any split gives the same verdict); holds at most the start-line prefix (70 bytes)
 * and the last end-line length minus one bytes. The first end-line is found with Buffer.indexOf; bodies
 * cannot contain it (RFC 4975 section 7.1: the sender picks a txid that does not occur in the body).
 */

/** 'one': exactly one MSRP message; 'split': an MSRP message without its end-line (continues in later WS
 * messages); 'multiple': bytes follow the first MSRP message's end-line; 'other': does not start with an
 * MSRP start-line (the rest of a split message, or not MSRP). */
export type WsMsrpVerdict = 'one' | 'split' | 'multiple' | 'other';

const PREFIX = Buffer.from('MSRP ', 'latin1');
/** RFC 4975 transact-id is 4..32 characters; accept up to 64. */
const MAX_TXID = 64;
const HEAD_MAX = PREFIX.length + MAX_TXID + 1;
/** Longest end-line: 7 dashes + txid + flag + CRLF. */
const MAX_END = 7 + MAX_TXID + 3;

const HEAD = 0;
const SCAN = 1;
const FOUND = 2;
const OTHER = 3;

export class WsMsrpCheck {
  private mode = OTHER;
  private readonly head = Buffer.alloc(HEAD_MAX);
  private headLen = 0;
  private pattern: Buffer = Buffer.alloc(0);
  private readonly tail = Buffer.alloc(MAX_END);
  private tailLen = 0;
  private readonly win = Buffer.alloc(2 * MAX_END);
  /** Message bytes seen so far. */
  private length = 0;
  /** Message offset just past the first end-line, -1 while none was found. */
  private endAt = -1;
  /** Transaction id of the current message ('' when not known). */
  txid = '';

  /** A new WebSocket data message begins. */
  start(): void {
    this.mode = HEAD;
    this.headLen = 0;
    this.tailLen = 0;
    this.length = 0;
    this.endAt = -1;
    this.txid = '';
  }

  piece(p: Buffer): void {
    if (this.mode === HEAD) {
      const take = Math.min(HEAD_MAX - this.headLen, p.length);
      p.copy(this.head, this.headLen, 0, take);
      const before = this.headLen;
      this.headLen += take;
      const decided = this.decideHead();
      if (decided === HEAD) {
        this.length += p.length;
        return;
      }
      if (decided === OTHER) {
        this.mode = OTHER;
        this.length += p.length;
        return;
      }
      // The start-line prefix is known: scan the gathered head, then the rest of this piece.
      this.mode = SCAN;
      this.length = 0;
      this.scan(this.head.subarray(0, this.headLen));
      this.length = this.headLen;
      const rest = p.subarray(this.headLen - before);
      if (this.mode === SCAN && rest.length > 0) this.scan(rest);
      this.length += rest.length;
      return;
    }
    if (this.mode === SCAN) this.scan(p);
    this.length += p.length;
  }

  /** The message ended. */
  end(): WsMsrpVerdict {
    const mode = this.mode;
    this.mode = OTHER;
    if (mode === HEAD || mode === OTHER) return 'other';
    if (this.endAt === -1) return 'split';
    return this.endAt === this.length ? 'one' : 'multiple';
  }

  /** HEAD while undecided, OTHER when not an MSRP start-line, SCAN when the txid is known. */
  private decideHead(): number {
    const h = this.head;
    const n = this.headLen;
    const cmp = Math.min(n, PREFIX.length);
    if (h.compare(PREFIX, 0, cmp, 0, cmp) !== 0) return OTHER;
    if (n <= PREFIX.length) return HEAD;
    const sp = h.subarray(0, n).indexOf(0x20, PREFIX.length);
    const limit = sp === -1 ? n : sp;
    for (let i = PREFIX.length; i < limit; i++) {
      const c = h[i]!;
      if (c <= 0x20 || c >= 0x7f) return OTHER;
    }
    if (sp === -1) return n >= HEAD_MAX ? OTHER : HEAD;
    if (sp === PREFIX.length) return OTHER;
    this.txid = h.toString('latin1', PREFIX.length, sp);
    this.pattern = Buffer.from('-------' + this.txid, 'latin1');
    return SCAN;
  }

  /** Looks for the first end-line in `p` (message offset this.length) and across the previous tail. */
  private scan(p: Buffer): void {
    const pat = this.pattern;
    const L = pat.length;
    const E = L + 3;
    const base = this.length;
    if (this.tailLen > 0) {
      const t = this.tailLen;
      this.tail.copy(this.win, 0, 0, t);
      const extra = Math.min(p.length, E - 1);
      p.copy(this.win, t, 0, extra);
      const w = this.win.subarray(0, t + extra);
      let i = w.indexOf(pat);
      while (i !== -1 && i < t && i + E <= w.length) {
        if (isEndFlag(w, i + L)) return this.found(base - t + i + E);
        i = w.indexOf(pat, i + 1);
      }
    }
    let i = p.indexOf(pat);
    while (i !== -1 && i + E <= p.length) {
      if (isEndFlag(p, i + L)) return this.found(base + i + E);
      i = p.indexOf(pat, i + 1);
    }
    // Keep the last E-1 bytes seen (an end-line may straddle this piece and the next).
    const keep = E - 1;
    if (p.length >= keep) {
      p.copy(this.tail, 0, p.length - keep);
      this.tailLen = keep;
    } else {
      const fromTail = Math.min(this.tailLen, keep - p.length);
      this.tail.copyWithin(0, this.tailLen - fromTail, this.tailLen);
      p.copy(this.tail, fromTail);
      this.tailLen = fromTail + p.length;
    }
  }

  private found(at: number): void {
    this.endAt = at;
    this.mode = FOUND;
    this.tailLen = 0;
  }
}

/** `$`, `+` or `#` followed by CRLF at b[k]. */
function isEndFlag(b: Buffer, k: number): boolean {
  const f = b[k];
  return (f === 0x24 || f === 0x2b || f === 0x23) && b[k + 1] === 0x0d && b[k + 2] === 0x0a;
}
