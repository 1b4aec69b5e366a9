/**
 * Which frames carried what, remembered during the first pass for `-w` (and the TUI's `w`): every frame of
 * every TCP connection (by connection id, IP fragments included), and the frames of each SIP dialog's
 * messages (UDP datagrams with their fragments; SIP over TCP by the connections that carried it). Frame
 * numbers are kept as runs (FrameRuns), so a connection whose packets follow each other costs a few bytes, and an
 * interleaved one about three bytes a packet.
 */

/**
 * Growing list of runs of consecutive frame numbers, in the order added. Each run but the last (still growing) is
 * kept as two variable-length numbers in a growing byte array: its distance from the end of the run before
 * (zigzag: a fragment may come before), and its length. A connection interleaved with hundreds of others costs
 * about three bytes a packet (eight as pairs of 32-bit numbers: 23 MB for the 2.85 million packets of 4 GB).
 */
export class FrameRuns {
  private bytes = new Uint8Array(16);
  private used = 0;
  /** Where the encoded runs end (start + count of the last one). */
  private end = 0;
  /** The run still growing. */
  private start = 0;
  private count = 0;
  /** Frames in the runs (the sum of the counts). */
  private total = 0;

  add(frame: number): void {
    if (this.count > 0) {
      if (frame === this.start + this.count) {
        this.count++;
        this.total++;
        return;
      }
      if (frame >= this.start && frame < this.start + this.count) return;
      this.encode();
    }
    this.start = frame;
    this.count = 1;
    this.total++;
  }

  /** Appends the growing run to the bytes. */
  private encode(): void {
    const gap = this.start - this.end;
    this.put(gap >= 0 ? gap * 2 : -gap * 2 - 1);
    this.put(this.count);
    this.end = this.start + this.count;
  }

  /** A non-negative integer (below 2^53) in 7-bit groups, low first, the high bit set on all but the last. */
  private put(v: number): void {
    if (this.used + 8 > this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    while (v >= 0x80) {
      this.bytes[this.used++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.used++] = v;
  }

  /** Calls `fn` for every frame (in the order added, runs expanded). */
  forEach(fn: (frame: number) => void): void {
    const b = this.bytes;
    let at = 0;
    let end = 0;
    const get = (): number => {
      let v = 0;
      let scale = 1;
      for (;;) {
        const x = b[at++] as number;
        v += (x & 0x7f) * scale;
        if (x < 0x80) return v;
        scale *= 0x80;
      }
    };
    while (at < this.used) {
      const z = get();
      const start = end + (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
      const count = get();
      for (let k = 0; k < count; k++) fn(start + k);
      end = start + count;
    }
    for (let k = 0; k < this.count; k++) fn(this.start + k);
  }

  get frames(): number {
    return this.total;
  }
}

/** SIP messages a dialog may have frames remembered for (its retransmissions and hops included). */
const MAX_SIP_FRAMES_PER_DIALOG = 65536;

export class FrameLog {
  private readonly tcp: FrameRuns[] = [];
  private readonly sipUdp = new Map<string, FrameRuns>();
  private readonly sipTcp = new Map<string, Set<number>>();
  private readonly perFile: number[] = [];

  /** The first pass read a whole capture file of `packets` frames (called for each file, in order). */
  fileRead(packets: number): void {
    this.perFile.push(packets);
  }

  /** Frames of each capture file the first pass read, in order (frame numbers continue across them). */
  get filePackets(): readonly number[] {
    return this.perFile;
  }

  /** A TCP packet of connection `id` (with the frames of its IP fragments when it was reassembled). */
  tcpFrame(id: number, frame: number, fragments: readonly number[] | undefined): void {
    if (id < 0) return;
    let runs = this.tcp[id];
    if (runs === undefined) {
      runs = new FrameRuns();
      this.tcp[id] = runs;
    }
    if (fragments !== undefined) for (const f of fragments) runs.add(f);
    else runs.add(frame);
  }

  /**
   * A SIP message of dialog `callId`: over UDP the frames of its datagram (`frame`, or the frames of its IP
   * fragments when it was reassembled), over TCP its connection.
   */
  sipMessage(callId: string, connection: number, frame: number, fragments: readonly number[] | undefined): void {
    if (connection >= 0) {
      let set = this.sipTcp.get(callId);
      if (set === undefined) {
        set = new Set();
        this.sipTcp.set(callId, set);
      }
      set.add(connection);
      return;
    }
    let runs = this.sipUdp.get(callId);
    if (runs === undefined) {
      runs = new FrameRuns();
      this.sipUdp.set(callId, runs);
    }
    if (runs.frames >= MAX_SIP_FRAMES_PER_DIALOG) return;
    if (fragments !== undefined) for (const f of fragments) runs.add(f);
    else runs.add(frame);
  }

  /** Frames of a TCP connection, in the order seen (fragments of a datagram before its completing frame). */
  connectionFrames(id: number, fn: (frame: number) => void): void {
    this.tcp[id]?.forEach(fn);
  }

  /** The TCP connections that carried SIP messages of this dialog. */
  sipConnections(callId: string): readonly number[] {
    return [...(this.sipTcp.get(callId) ?? [])];
  }

  /** Frames of the dialog's SIP messages over UDP. */
  sipUdpFrames(callId: string, fn: (frame: number) => void): void {
    this.sipUdp.get(callId)?.forEach(fn);
  }

  /**
   * The frames of the given connections and SIP dialogs (over TCP: every frame of the connections that carried
   * them), sorted, each once.
   */
  select(connections: Iterable<number>, callIds: Iterable<string>): Uint32Array {
    const conns = new Set<number>(connections);
    const ids = [...callIds];
    for (const id of ids) for (const c of this.sipConnections(id)) conns.add(c);
    let total = 0;
    for (const id of ids) total += this.sipUdp.get(id)?.frames ?? 0;
    for (const c of conns) total += this.tcp[c]?.frames ?? 0;
    const out = new Uint32Array(total);
    let n = 0;
    const add = (f: number): void => {
      out[n++] = f;
    };
    for (const id of ids) this.sipUdpFrames(id, add);
    for (const c of conns) this.connectionFrames(c, add);
    const sorted = out.sort();
    let w = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[w - 1]) sorted[w++] = sorted[i]!;
    return sorted.slice(0, w);
  }
}
