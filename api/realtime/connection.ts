// One client's session: its frames in, answers out through its outbox. A bad frame gets an
// error frame and the connection carries on. Users and admins never share scopes: a user's
// `all` is their own integrations; admins use the scope `all` or a provider, and a frame
// asking for the other side's scopes is answered `forbidden`.
import type { Logger } from '../../platform/logger.js';
import type { LiveHealth } from '../readModel.js';
import type { Outbox } from './coalescer.js';
import type { Fanout, Subscriber } from './fanout.js';
import { ADMIN_SNAPSHOT_LIMIT } from './adminReads.js';
import { errorFrame, parseClientFrame, pongFrame, snapshotFrame, type Target } from './protocol.js';
import { canSee, isAdminScope, type Principal, type Scope } from './subscriptions.js';

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
    const explicit = f.integrationIds || f.all || f.scope || f.provider;
    const scopes = explicit ? this.scopesOf(f) : null;
    if (typeof scopes === 'string') return this.outbox.reply(errorFrame('forbidden', scopes));
    if (this.pending >= MAX_PENDING_REQUESTS) return this.outbox.reply(errorFrame('too_many_requests', 'wait for the answers to earlier frames'));
    this.pending++;
    const target = scopes ? { ids: f.integrationIds ?? [], scopes } : this.fanout.subs.targetOf(this);
    this.subscribe(target, f.type === 'resume' ? f.since : null)
      .catch((err) => {
        this.log.error({ err: { message: (err as Error)?.message } }, 'realtime request failed');
        this.outbox.reply(errorFrame('internal', 'could not load health; try again'));
      })
      .finally(() => this.pending--);
  }

  close(): void {
    this.fanout.subs.removeClient(this);
  }

  /** The scopes a target names for this principal, or why it may not have them. */
  private scopesOf(t: Target): Scope[] | string {
    const p = this.principal;
    if (t.all) return p.kind === 'user' ? [{ kind: 'user', userId: p.userId }] : 'an admin session is not a user: subscribe to {"scope":"all"} or {"provider":…}';
    if (t.scope || t.provider) {
      if (p.kind !== 'admin') return 'the scopes all and provider need an admin session';
      return [t.scope ? { kind: 'all' } : { kind: 'provider', provider: t.provider as string }];
    }
    return [];
  }

  private unsubscribe(t: Target) {
    const { subs } = this.fanout;
    if (t.all) {
      subs.removeClient(this);
      this.outbox.drop('all');
    } else if (t.scope || t.provider) {
      subs.unsubscribeScope(this, t.scope ? { kind: 'all' } : { kind: 'provider', provider: t.provider as string });
      const left = subs.targetOf(this);
      if (!left.ids.length && !left.scopes.length) this.outbox.drop('all');
    } else {
      subs.unsubscribe(this, t.integrationIds ?? []);
      this.outbox.drop(t.integrationIds ?? []);
    }
  }

  /** Subscribes (ids and/or scopes), then answers with a snapshot of what is visible, changed since `since` if given. */
  private async subscribe(t: { ids: string[]; scopes: Scope[] }, since: number | null) {
    const { subs } = this.fanout;
    const ids = [...new Set(t.ids)];
    const { scopes } = t;
    const adminScopes = scopes.filter(isAdminScope);
    // Registered before the read, so a change committed while it runs is loaded after it.
    subs.subscribe(this, ids);
    const warm = scopes.length ? subs.warm() : () => undefined;
    for (const scope of scopes) subs.subscribeScope(this, scope, []);
    try {
      await this.fanout.serial(async () => {
        const sinceWithSlack = since === null ? null : since - RESUME_SLACK_MS;
        const [rows, scoped] = await Promise.all([
          this.fanout.load(ids, scopes.flatMap((s) => (s.kind === 'user' ? [s.userId] : []))),
          Promise.all(adminScopes.map((s) => this.fanout.loadScope(s, sinceWithSlack))),
        ]);
        const visible = dedupe([...rows, ...scoped.flatMap((c) => c.rows)].filter((r) => canSee(this.principal, r)));
        const refused = ids.filter((id) => !visible.some((r) => r.integrationId === id));
        subs.unsubscribe(this, refused);
        for (const scope of scopes) subs.subscribeScope(this, scope, visible);
        const version = Math.max(since ?? 0, ...visible.map((r) => r.version));
        const sent = sinceWithSlack === null ? visible : visible.filter((r) => r.version > sinceWithSlack);
        // An admin scope may cover every integration there is: its snapshot says when it was cut short.
        const cap = adminScopes.length ? { limit: ADMIN_SNAPSHOT_LIMIT, truncated: scoped.some((c) => c.truncated) } : undefined;
        this.outbox.reply(snapshotFrame(version, sent, cap), sent.map((r) => r.integrationId));
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
