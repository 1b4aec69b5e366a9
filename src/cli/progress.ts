/**
 * A one-line progress meter on stderr (percent, MB/s, ETA), redrawn at most 10 times a second and erased at
 * the end. Only used when stderr is a terminal and the input is a file of known size.
 */
export class Progress {
  private lastDraw = 0;
  private readonly started = Date.now();
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream,
  ) {}

  update(done: number): void {
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const secs = Math.max((now - this.started) / 1000, 0.001);
    const pct = Math.min(100, (done / this.total) * 100);
    const rate = done / 1e6 / secs;
    const eta = rate > 0 ? Math.max(0, (this.total - done) / 1e6 / rate) : 0;
    const line = `reading ${pct.toFixed(1)}%  ${rate.toFixed(0)} MB/s  ETA ${formatEta(eta)}`;
    this.out.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

function formatEta(secs: number): string {
  const s = Math.round(secs);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
