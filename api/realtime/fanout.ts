// From "these ids changed" to frames in subscribers' outboxes. Every read the real-time side
// makes (change loads and subscribe/resume snapshots) runs through one serial queue, so frames
// reach each connection in the order their state was read: a later frame is never older.
// Changes arriving while a read runs accumulate and are loaded together in one query.
import type { Db } from '../../platform/db.js';
import type { Logger } from '../../platform/logger.js';
import { integrationHealthMany, integrationHealthOfUsers, type LiveHealth } from '../readModel.js';
import type { Outbox } from './coalescer.js';
import type { Change } from './listener.js';
import { healthFrame, removedFrame } from './protocol.js';
import { canSee, type Principal, type Subscriptions } from './subscriptions.js';

/** A connection as the fan-out sees it. */
export interface Subscriber {
  principal: Principal;
  outbox: Outbox;
}

export const liveProjections = new Set(['integration_health', 'integrations']);

export class Fanout {
  private readonly queue: (() => Promise<void>)[] = [];
  private running = false;
  private readonly changed = new Set<string>();
  private loadQueued = false;
  private resyncQueued = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    readonly subs: Subscriptions<Subscriber>,
    private readonly db: Db,
    private readonly docsBaseUrl: string,
    private readonly log: Logger,
  ) {}

  /** A NOTIFY from a projector: queue the ids somebody here may receive. */
  onChange = (change: Change): void => {
    if (!liveProjections.has(change.projection)) return;
    for (const id of this.subs.wanted(change.ids, change.projection)) this.changed.add(id);
    this.queueLoad();
  };

  /** Notifications may have been missed: re-send every subscribed integration's current state. */
  onResync = (): void => {
    if (this.resyncQueued || this.stopped) return;
    this.resyncQueued = true;
    this.background(async () => {
      this.resyncQueued = false;
      const { ids, userIds } = this.subs.everything();
      let rows: LiveHealth[];
      try {
        rows = await this.load(ids, userIds);
      } catch (err) {
        this.log.warn({ err: { message: (err as Error).message } }, 'realtime resync failed; retrying');
        setTimeout(this.onResync, 1_000).unref();
        return;
      }
      this.deliver(ids, rows);
    });
  };

  /** Current health of these integrations and of these users' integrations (call it inside `serial`). */
  async load(ids: string[], userIds: string[]): Promise<LiveHealth[]> {
    const [some, ofUsers] = await Promise.all([integrationHealthMany(this.db, ids, this.docsBaseUrl), integrationHealthOfUsers(this.db, userIds, this.docsBaseUrl)]);
    return [...some, ...ofUsers];
  }

  /** Runs a read in turn with every other; whatever it enqueues is ordered with the change frames. */
  serial(job: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      // The caller gets the job's outcome; the queue itself never sees a rejection.
      this.queue.push(() => job().then(resolve, reject));
      if (!this.running) void this.run();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.queue.length = 0;
    this.changed.clear();
  }

  private background(job: () => Promise<void>) {
    this.serial(job).catch((err) => this.log.error({ err: { message: (err as Error)?.message } }, 'realtime job failed'));
  }

  private async run() {
    this.running = true;
    for (let job = this.queue.shift(); job; job = this.queue.shift()) await job();
    this.running = false;
  }

  private queueLoad() {
    if (!this.changed.size || this.loadQueued || this.stopped) return;
    this.loadQueued = true;
    this.background(() => this.loadChanges());
  }

  private async loadChanges() {
    this.loadQueued = false;
    const ids = [...this.changed];
    this.changed.clear();
    let rows: LiveHealth[];
    try {
      rows = await integrationHealthMany(this.db, ids, this.docsBaseUrl);
    } catch (err) {
      // Keep the ids and try again shortly (new notifications also retry them).
      for (const id of ids) this.changed.add(id);
      this.log.warn({ err: { message: (err as Error).message }, ids: ids.length }, 'realtime load failed; retrying');
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = null;
        this.queueLoad();
      }, 1_000);
      return;
    }
    this.deliver(ids, rows);
  }

  /** Pushes each row, serialised once, to everyone who may receive it; reports ids that are gone. */
  private deliver(requested: string[], rows: LiveHealth[]) {
    for (const row of rows) {
      const to = this.subs.recipients(row, (s) => canSee(s.principal, row));
      if (!to.size) continue;
      const frame = Buffer.from(healthFrame(row));
      for (const s of to) s.outbox.health(row.integrationId, frame);
    }
    const found = new Set(rows.map((r) => r.integrationId));
    for (const [s, ids] of this.subs.forget(requested.filter((id) => !found.has(id)))) {
      s.outbox.drop(ids);
      s.outbox.reply(removedFrame(ids));
    }
  }
}
