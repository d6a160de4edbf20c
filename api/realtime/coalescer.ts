// Per-connection output that never grows without bound. Health frames are coalesced: at most
// the latest pending frame per integration. Replies (snapshot, pong, error…) queue in order,
// capped. Frames go to the socket only while its buffer is under the low-water mark; a
// socket that stays over the hard limit too long is closed with 1013 (try again later).

export interface Limits {
  lowWaterBytes: number;
  hardLimitBytes: number;
  hardLimitMs: number;
  maxReplies: number;
}

export const defaultLimits: Limits = { lowWaterBytes: 256 * 1024, hardLimitBytes: 4 * 1024 * 1024, hardLimitMs: 30_000, maxReplies: 64 };

/** The bits of a `ws` WebSocket the outbox uses. */
export interface Sink {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: Buffer, opts: { binary: false }): void;
  close(code: number, reason: string): void;
}

const OPEN = 1;

export class Outbox {
  private readonly replies: Buffer[] = [];
  private readonly latest = new Map<string, Buffer>();
  private overSince: number | null = null;
  private closed = false;

  constructor(
    private readonly sink: Sink,
    private readonly limits: Limits,
    private readonly backlogged: (o: Outbox) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A pre-serialised health frame (the same Buffer for every subscriber); replaces any pending one for the integration. */
  health(integrationId: string, frame: Buffer): void {
    this.latest.set(integrationId, frame);
    this.flush();
  }

  /** An answer in order. A snapshot supersedes the pending health frames of the integrations it holds. */
  reply(frame: string, supersedes: Iterable<string> = []): void {
    if (this.closed) return;
    if (this.replies.length >= this.limits.maxReplies) {
      this.close(1013, 'too many unread replies');
      return;
    }
    for (const id of supersedes) this.latest.delete(id);
    this.replies.push(Buffer.from(frame));
    this.flush();
  }

  /** Pending health frames no longer wanted (unsubscribed). */
  drop(ids: Iterable<string> | 'all'): void {
    if (ids === 'all') this.latest.clear();
    else for (const id of ids) this.latest.delete(id);
  }

  /** Sends what the socket can take now; true when nothing is left to watch. */
  flush(): boolean {
    if (this.closed || this.sink.readyState !== OPEN) return true;
    while (this.sink.bufferedAmount < this.limits.lowWaterBytes) {
      const next = this.replies.shift() ?? this.takeLatest();
      if (!next) break;
      this.sink.send(next, { binary: false });
    }
    if (this.sink.bufferedAmount > this.limits.hardLimitBytes) {
      this.overSince ??= this.now();
      if (this.now() - this.overSince >= this.limits.hardLimitMs) {
        this.close(1013, 'too slow to keep up');
        return true;
      }
    } else {
      this.overSince = null;
    }
    const idle = !this.replies.length && !this.latest.size && this.overSince === null;
    if (!idle) this.backlogged(this);
    return idle;
  }

  private takeLatest(): Buffer | undefined {
    const first = this.latest.entries().next();
    if (first.done) return undefined;
    this.latest.delete(first.value[0]);
    return first.value[1];
  }

  private close(code: number, reason: string) {
    this.closed = true;
    this.replies.length = 0;
    this.latest.clear();
    this.sink.close(code, reason);
  }
}

/** Retries backlogged outboxes on a short timer (ws has no per-socket drain event to hang on). */
export class Drainer {
  private readonly waiting = new Set<Outbox>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly everyMs = 20) {}

  add = (o: Outbox): void => {
    this.waiting.add(o);
    this.timer ??= setInterval(() => this.tick(), this.everyMs);
  };

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.waiting.clear();
  }

  private tick() {
    const now = [...this.waiting];
    this.waiting.clear();
    // flush() re-adds the ones still backlogged.
    for (const o of now) o.flush();
    if (!this.waiting.size) this.stop();
  }
}
