// Who wants which integration. A connection subscribes to explicit integration ids and/or to
// a scope: a user's `all` is the scope `user:<id>` (every integration of theirs, including
// ones connected later); admins subscribe to the scopes `all` (everything) and
// `provider:<p>`. Who may use which scope is decided in connection.ts; here every push is
// checked again against the principal (`canSee`).

export type Principal =
  | { kind: 'user'; userId: string }
  /** `sessionId` is the session row's key (sha256 of the cookie), to re-check it on heartbeats. */
  | { kind: 'admin'; adminId: string; sessionId: string };
export type Scope = { kind: 'user'; userId: string } | { kind: 'all' } | { kind: 'provider'; provider: string };
export type AdminScope = Exclude<Scope, { kind: 'user' }>;

export interface Owned {
  integrationId: string;
  userId: string;
  provider: string;
}

export const scopeKey = (s: Scope) => (s.kind === 'user' ? `user:${s.userId}` : s.kind === 'all' ? 'all' : `provider:${s.provider}`);

/** May this principal see this integration? (Checked at subscribe time and again on every push.) */
export const canSee = (p: Principal, row: Owned) => p.kind === 'admin' || row.userId === p.userId;

export const isAdminScope = (s: Scope): s is AdminScope => s.kind !== 'user';

const inScope = (s: Scope, row: Owned) =>
  s.kind === 'all' || (s.kind === 'user' ? s.userId === row.userId : s.provider === row.provider);

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V) {
  const set = m.get(k) ?? new Set<V>();
  set.add(v);
  m.set(k, set);
}

function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V) {
  const set = m.get(k);
  if (!set) return;
  set.delete(v);
  if (!set.size) m.delete(k);
}

export class Subscriptions<C> {
  private readonly byId = new Map<string, Set<C>>();
  private readonly byScope = new Map<string, { scope: Scope; clients: Set<C> }>();
  private readonly ofClient = new Map<C, { ids: Set<string>; scopes: Set<string> }>();
  /** Integrations known to belong to a subscribed user scope, so their health changes get loaded. */
  private readonly scopedOwner = new Map<string, string>();
  private readonly scopedIds = new Map<string, Set<string>>();

  private entry(c: C) {
    let e = this.ofClient.get(c);
    if (!e) this.ofClient.set(c, (e = { ids: new Set(), scopes: new Set() }));
    return e;
  }

  subscribe(c: C, ids: string[]): void {
    const e = this.entry(c);
    for (const id of ids) {
      e.ids.add(id);
      addTo(this.byId, id, c);
    }
  }

  subscribeScope(c: C, scope: Scope, members: Owned[]): void {
    const key = scopeKey(scope);
    this.entry(c).scopes.add(key);
    const s = this.byScope.get(key) ?? { scope, clients: new Set<C>() };
    s.clients.add(c);
    this.byScope.set(key, s);
    // Only user scopes need their members remembered (to route removals); admin scopes match by row.
    if (scope.kind === 'user') for (const row of members) this.noteScoped(row);
  }

  /** Explicit ids only: an `all` subscription keeps delivering them until it is itself unsubscribed. */
  unsubscribe(c: C, ids: string[]): void {
    const e = this.ofClient.get(c);
    for (const id of ids) {
      e?.ids.delete(id);
      removeFrom(this.byId, id, c);
    }
  }

  unsubscribeScope(c: C, scope: Scope): void {
    const key = scopeKey(scope);
    this.ofClient.get(c)?.scopes.delete(key);
    const s = this.byScope.get(key);
    if (!s) return;
    s.clients.delete(c);
    if (s.clients.size) return;
    this.byScope.delete(key);
    if (scope.kind === 'user') {
      for (const id of this.scopedIds.get(scope.userId) ?? []) this.scopedOwner.delete(id);
      this.scopedIds.delete(scope.userId);
    }
  }

  removeClient(c: C): void {
    const e = this.ofClient.get(c);
    if (!e) return;
    this.unsubscribe(c, [...e.ids]);
    for (const key of [...e.scopes]) {
      const s = this.byScope.get(key);
      if (s) this.unsubscribeScope(c, s.scope);
    }
    this.ofClient.delete(c);
  }

  /** What a connection is subscribed to (for `resume` without a target). */
  targetOf(c: C): { ids: string[]; scopes: Scope[] } {
    const e = this.ofClient.get(c);
    const scopes = [...(e?.scopes ?? [])].map((k) => this.byScope.get(k)?.scope).filter((s): s is Scope => !!s);
    return { ids: [...(e?.ids ?? [])], scopes };
  }

  /** Scope subscriptions being set up (their members are not known yet): load every change meanwhile. */
  private warming = 0;

  warm(): () => void {
    this.warming++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.warming--;
    };
  }

  /** The changed ids worth loading: those somebody here may receive. */
  wanted(ids: string[], projection: string): string[] {
    const scopes = [...this.byScope.values()].map((s) => s.scope);
    if (this.warming || scopes.some((s) => s.kind !== 'user')) return ids;
    // A lifecycle change may be a user's new integration: load it if any user scope could want it.
    if (projection === 'integrations' && scopes.length) return ids;
    return ids.filter((id) => this.byId.has(id) || this.scopedOwner.has(id));
  }

  /** Who receives this row: explicit subscribers and matching scopes, each only if allowed to see it. */
  recipients(row: Owned, allowed: (c: C) => boolean): Set<C> {
    const out = new Set<C>();
    for (const c of this.byId.get(row.integrationId) ?? []) if (allowed(c)) out.add(c);
    for (const { scope, clients } of this.byScope.values()) {
      if (!inScope(scope, row)) continue;
      if (scope.kind === 'user') this.noteScoped(row);
      for (const c of clients) if (allowed(c)) out.add(c);
    }
    return out;
  }

  /**
   * Ids whose rows vanished (disconnected): drop them, returning who was watching. `providerOf`
   * (integrations that existed, by id) lets admin scopes hear about theirs.
   */
  forget(ids: string[], providerOf: ReadonlyMap<string, string> = new Map()): Map<C, string[]> {
    const out = new Map<C, string[]>();
    for (const id of ids) {
      const watchers = new Set(this.byId.get(id) ?? []);
      const owner = this.scopedOwner.get(id);
      if (owner !== undefined) {
        for (const c of this.byScope.get(`user:${owner}`)?.clients ?? []) watchers.add(c);
        this.scopedOwner.delete(id);
        this.scopedIds.get(owner)?.delete(id);
      }
      const provider = providerOf.get(id);
      if (provider !== undefined) {
        for (const key of ['all', `provider:${provider}`]) for (const c of this.byScope.get(key)?.clients ?? []) watchers.add(c);
      }
      for (const c of watchers) {
        out.set(c, [...(out.get(c) ?? []), id]);
        this.ofClient.get(c)?.ids.delete(id);
      }
      this.byId.delete(id);
    }
    return out;
  }

  /** Everything to reload after missed notifications: explicit ids, scoped users, admin scopes. */
  everything(): { ids: string[]; userIds: string[]; adminScopes: AdminScope[] } {
    const scopes = [...this.byScope.values()].map((s) => s.scope);
    return { ids: [...this.byId.keys()], userIds: scopes.flatMap((s) => (s.kind === 'user' ? [s.userId] : [])), adminScopes: scopes.filter(isAdminScope) };
  }

  /** Whether any admin scope is subscribed here (then every change is loaded, and removals need their provider). */
  hasAdminScopes(): boolean {
    return [...this.byScope.values()].some((s) => isAdminScope(s.scope));
  }

  private noteScoped(row: Owned) {
    if (this.scopedOwner.get(row.integrationId) === row.userId) return;
    this.scopedOwner.set(row.integrationId, row.userId);
    addTo(this.scopedIds, row.userId, row.integrationId);
  }
}
