import type { FrameRef } from '../capture/types.js';
import type { Dir } from '../tcp/types.js';
import { StreamClassifier } from './classifier.js';
import type { StackContext } from './context.js';
import type { StreamSink } from './stage.js';
import { TlsTracker } from './tls.js';

/**
 * The TLS stage of a connection's stack: record framing and handshake facts (TlsTracker), and with key
 * material a TlsDecryptor whose plaintext goes through a classifier of its own (WebSocket inside TLS is
 * recognised there) to the next stage. Without keys nothing is passed on.
 */
export class TlsStage implements StreamSink {
  readonly tracker: TlsTracker;
  private inner: StreamClassifier | undefined;

  constructor(ctx: StackContext, next: StreamSink, midStream: boolean) {
    const plaintext: StreamSink = {
      data: (dir, bytes, from) => this.innerStage(ctx, next).data(dir, bytes, from),
      gap: (dir, length, at) => this.innerStage(ctx, next).gap(dir, length, at),
      close: (at) => this.inner?.close(at),
    };
    this.tracker = new TlsTracker(
      (code, dir, detail, at, offset) => ctx.diag(code, dir, detail, at, offset),
      midStream,
      ctx.stats,
      ctx.keys === undefined ? undefined : { keys: ctx.keys, out: plaintext, opening: ctx.opener === undefined ? undefined : { opener: ctx.opener, connection: ctx.conn.id } },
    );
    ctx.facts().tls = this.tracker.facts;
  }

  private innerStage(ctx: StackContext, next: StreamSink): StreamClassifier {
    return (this.inner ??= new StreamClassifier(ctx, next, { allowTls: false }));
  }

  data(dir: Dir, bytes: Buffer, from: FrameRef): void {
    this.tracker.push(dir, bytes, from);
  }

  gap(dir: Dir, length: number, at: FrameRef): void {
    this.tracker.gap(dir, length, at);
  }

  /** The direction's next bytes are not known to start a record (earlier ones went on as plain). */
  unframe(dir: Dir): void {
    this.tracker.unframe(dir);
  }

  close(at: FrameRef): void {
    this.tracker.close(at);
    this.inner?.close(at);
  }
}
