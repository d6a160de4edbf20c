// From "these ids changed" to frames in subscribers' outboxes. Every read the real-time side
// makes (change loads and subscribe/resume snapshots) runs through one serial queue, so frames
// reach each connection in the order their state was read: a later frame is never older.
// Changes arriving while a read runs accumulate and are loaded together in one query.
import type { Db } from '../../platform/db.js';
import type { Logger } from '../../platform/logger.js';
import { integrationHealthMany, integrationHealthOfUsers, type LiveHealth } from '../readModel.js';
import { providersOf, recentlyChanged, type Capped } from './adminReads.js';
import type { Outbox } from './coalescer.js';
import { healthFrame, removedFrame } from './protocol.js';
import { canSee, type AdminScope, type Principal, type Subscriptions } from './subscriptions.js';

/** What a projector NOTIFYs on `pulse_projection` after committing a batch. */
export interface Change {
  projection: string;
  ids: string[];
}

export function parseChange(payload: string): Change | null {
  try {
    const v = JSON.parse(payload);
    if (typeof v?.projection !== 'string' || !Array.isArray(v.ids)) return null;
    return { projection: v.projection, ids: v.ids.filter((id: unknown): id is string => typeof id === 'string') };
  } catch {
    return null;
  }
}

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
      const { ids, userIds, adminScopes } = this.subs.everything();
      let rows: LiveHealth[];
      try {
        // Admin scopes get their most recently changed integrations again (capped, like a snapshot).
        const scoped = await Promise.all(adminScopes.map((s) => this.loadScope(s, null)));
        rows = [...(await this.load(ids, userIds)), ...scoped.flatMap((c) => c.rows)];
        await this.deliver(ids, rows);
      } catch (err) {
        this.log.warn({ err: { message: (err as Error).message } }, 'realtime resync failed; retrying');
        setTimeout(this.onResync, 1_000).unref();
      }
    });
  };

  /** Current health of these integrations and of these users' integrations (call it inside `serial`). */
  async load(ids: string[], userIds: string[]): Promise<LiveHealth[]> {
    const [some, ofUsers] = await Promise.all([integrationHealthMany(this.db, ids, this.docsBaseUrl), integrationHealthOfUsers(this.db, userIds, this.docsBaseUrl)]);
    return [...some, ...ofUsers];
  }

  /** An admin scope's integrations changed after `sinceMs` (all if null), most recent first, capped (call it inside `serial`). */
  loadScope(scope: AdminScope, sinceMs: number | null): Promise<Capped> {
    return recentlyChanged(this.db, this.docsBaseUrl, scope, sinceMs);
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
    try {
      await this.deliver(ids, await integrationHealthMany(this.db, ids, this.docsBaseUrl));
    } catch (err) {
      // Keep the ids and try again shortly (new notifications also retry them).
      for (const id of ids) this.changed.add(id);
      this.log.warn({ err: { message: (err as Error).message }, ids: ids.length }, 'realtime load failed; retrying');
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = null;
        this.queueLoad();
      }, 1_000);
    }
  }

  /** Pushes each row, serialised once, to everyone who may receive it; reports ids that are gone. */
  private async deliver(requested: string[], rows: LiveHealth[]) {
    const found = new Set(rows.map((r) => r.integrationId));
    const gone = requested.filter((id) => !found.has(id));
    // Read before pushing anything, so a failed read retries the whole delivery rather than half of it.
    const providerOf = gone.length && this.subs.hasAdminScopes() ? await providersOf(this.db, gone) : undefined;
    for (const row of rows) {
      const to = this.subs.recipients(row, (s) => canSee(s.principal, row));
      if (!to.size) continue;
      const frame = Buffer.from(healthFrame(row));
      for (const s of to) s.outbox.health(row.integrationId, frame);
    }
    for (const [s, ids] of this.subs.forget(gone, providerOf)) {
      s.outbox.drop(ids);
      s.outbox.reply(removedFrame(ids));
    }
  }
}
