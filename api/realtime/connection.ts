// One client's session: its frames in, answers out through its outbox. A bad frame gets an
// error frame and the connection carries on.
import type { Logger } from '../../platform/logger.js';
import type { LiveHealth } from '../readModel.js';
import type { Outbox } from './coalescer.js';
import type { Fanout, Subscriber } from './fanout.js';
import { errorFrame, parseClientFrame, pongFrame, snapshotFrame, type Target } from './protocol.js';
import { allScopeOf, canSee, type Principal, type Scope } from './subscriptions.js';

/**
 * `resume since=v` answers every integration whose version > v − this. Versions are event
 * times, so a change whose check completed just before one the client already saw, but which
 * was projected after it (another partition), is still re-sent. At least once; clients keep the latest.
 */
export const RESUME_SLACK_MS = 5_000;
const MAX_PENDING_REQUESTS = 8;

export class Connection implements Subscriber {
  private pending = 0;
  missedPongs = 0;

  constructor(
    readonly principal: Principal,
    readonly outbox: Outbox,
    private readonly fanout: Fanout,
    private readonly log: Logger,
  ) {}

  onMessage(data: string): void {
    const parsed = parseClientFrame(data);
    if (!parsed.ok) return this.outbox.reply(parsed.error);
    const f = parsed.frame;
    if (f.type === 'ping') return this.outbox.reply(pongFrame);
    if (f.type === 'unsubscribe') return this.unsubscribe(f);
    if (this.pending >= MAX_PENDING_REQUESTS) return this.outbox.reply(errorFrame('too_many_requests', 'wait for the answers to earlier frames'));
    this.pending++;
    const done = f.type === 'subscribe' ? this.subscribe(f, null) : this.subscribe(f.integrationIds || f.all ? f : this.fanout.subs.targetOf(this), f.since);
    done
      .catch((err) => {
        this.log.error({ err: { message: (err as Error)?.message } }, 'realtime request failed');
        this.outbox.reply(errorFrame('internal', 'could not load health; try again'));
      })
      .finally(() => this.pending--);
  }

  close(): void {
    this.fanout.subs.removeClient(this);
  }

  private unsubscribe(t: Target) {
    const { subs } = this.fanout;
    if (t.all) {
      subs.removeClient(this);
      this.outbox.drop('all');
    } else {
      subs.unsubscribe(this, t.integrationIds ?? []);
      this.outbox.drop(t.integrationIds ?? []);
    }
  }

  /** Subscribes (ids and/or scopes), then answers with a snapshot of what is visible, changed since `since` if given. */
  private async subscribe(t: Target | { ids: string[]; scopes: Scope[] }, since: number | null) {
    const { subs } = this.fanout;
    const ids = [...new Set('ids' in t ? t.ids : (t.integrationIds ?? []))];
    const scopes = 'scopes' in t ? t.scopes : t.all ? [allScopeOf(this.principal)] : [];
    // Registered before the read, so a change committed while it runs is loaded after it.
    subs.subscribe(this, ids);
    const warm = scopes.length ? subs.warm() : () => undefined;
    for (const scope of scopes) subs.subscribeScope(this, scope, []);
    try {
      await this.fanout.serial(async () => {
        const rows = await this.fanout.load(ids, scopes.flatMap((s) => (s.kind === 'user' ? [s.userId] : [])));
        const visible = dedupe(rows.filter((r) => canSee(this.principal, r)));
        const refused = ids.filter((id) => !visible.some((r) => r.integrationId === id));
        subs.unsubscribe(this, refused);
        for (const scope of scopes) subs.subscribeScope(this, scope, visible);
        const version = Math.max(since ?? 0, ...visible.map((r) => r.version));
        const sent = since === null ? visible : visible.filter((r) => r.version > since - RESUME_SLACK_MS);
        this.outbox.reply(snapshotFrame(version, sent), sent.map((r) => r.integrationId));
        if (refused.length) this.outbox.reply(errorFrame('not_found', 'no such integration', { integrationIds: refused }));
      });
    } finally {
      warm();
    }
  }
}

function dedupe(rows: LiveHealth[]): LiveHealth[] {
  const byId = new Map(rows.map((r) => [r.integrationId, r]));
  return [...byId.values()];
}
