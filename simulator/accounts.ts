// Accounts and their tokens: who a bearer token belongs to, whether it is still the current
// one, issuing and rotating tokens, and single-use codes (OAuth codes, Socket Mode tickets).
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Faults, NewSimAccount, SimAccount, SimProvider, SimRequest } from './types.js';

export const fullScopes: Record<SimProvider, string[]> = {
  gmail: ['https://www.googleapis.com/auth/gmail.readonly'],
  google_calendar: ['https://www.googleapis.com/auth/calendar.readonly', 'https://www.googleapis.com/auth/calendar.events'],
  slack: ['channels:read', 'chat:write', 'team:read', 'users:read'],
  mcp: [],
};

export const isGoogle = (p: SimProvider) => p === 'gmail' || p === 'google_calendar';

export const newAccountSchema = z.strictObject({
  provider: z.enum(['gmail', 'google_calendar', 'slack', 'mcp']),
  scopes: z.array(z.string().min(1).max(300)).max(100).optional(),
  account: z.string().min(1).max(200).regex(/^[\w.@+-]+$/, 'letters, digits and . @ + - _ only').optional(),
  accessTokenTtlSeconds: z.number().int().min(0).max(10 * 365 * 86_400).optional(),
});

/** Stable, non-secret identifiers derived from the account name (team id, bot id, …). */
export interface Identity {
  email: string;
  sub: string;
  teamId: string;
  teamName: string;
  teamDomain: string;
  userId: string;
  botId: string;
  appId: string;
}

export interface AccountState {
  sim: SimAccount;
  ttlSeconds: number;
  /** The OAuth client the current tokens were issued to (tokeninfo azp/aud). */
  clientId: string;
  faults: Faults;
  requests: SimRequest[];
  /** Times of recent Google API calls, for the quota headers. */
  recentCalls: number[];
  identity: Identity;
}

type TokenKind = 'access' | 'refresh' | 'app';
export interface TokenEntry {
  state: AccountState;
  kind: TokenKind;
  /** False once replaced by a refresh or a reconnect. */
  current: boolean;
}

const prefixes: Record<SimProvider, Record<TokenKind, string>> = {
  gmail: { access: 'ya29.sim-', refresh: '1//sim-', app: '' },
  google_calendar: { access: 'ya29.sim-', refresh: '1//sim-', app: '' },
  slack: { access: 'xoxb-sim-', refresh: 'xoxe-sim-', app: 'xapp-sim-' },
  mcp: { access: 'mcp-sim-', refresh: '', app: '' },
};

export const randomToken = (prefix: string, bytes = 24) => prefix + randomBytes(bytes).toString('base64url');

function identityOf(account: string): Identity {
  const h = createHash('sha256').update(account).digest('hex').toUpperCase();
  const slug = account.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'team';
  return {
    email: account.includes('@') ? account : `${account}@example.com`,
    sub: BigInt(`0x${h.slice(0, 15)}`).toString(),
    teamId: `T${h.slice(0, 10)}`,
    teamName: `Sim ${account}`,
    teamDomain: `sim-${slug}`,
    userId: `U${h.slice(10, 20)}`,
    botId: `B${h.slice(20, 30)}`,
    appId: `A${h.slice(30, 40)}`,
  };
}

export class AccountExistsError extends Error {}

export class AccountStore {
  private readonly accounts = new Map<string, AccountState>();
  private readonly tokens = new Map<string, TokenEntry>();

  create(input: NewSimAccount, clientId = 'pulse-dev'): AccountState {
    const a = newAccountSchema.parse(input);
    const name = a.account ?? defaultName(a.provider);
    if (this.accounts.has(name)) throw new AccountExistsError(`account ${name} already exists`);
    const state: AccountState = {
      sim: { account: name, provider: a.provider, accessToken: '', refreshToken: null, appToken: null, scopes: [...(a.scopes ?? fullScopes[a.provider])], expiresAt: null },
      ttlSeconds: a.accessTokenTtlSeconds ?? 3600,
      clientId,
      faults: {},
      requests: [],
      recentCalls: [],
      identity: identityOf(name),
    };
    this.accounts.set(name, state);
    this.issueAccess(state);
    if (a.provider !== 'mcp') this.issueRefresh(state);
    if (a.provider === 'slack') this.register(state, 'app', randomToken(prefixes.slack.app));
    return state;
  }

  get(name: string): AccountState | undefined {
    return this.accounts.get(name);
  }

  list(): AccountState[] {
    return [...this.accounts.values()];
  }

  lookup(token: string | undefined): TokenEntry | undefined {
    return token ? this.tokens.get(token) : undefined;
  }

  /** A new access token; the old one stops working. MCP tokens never expire. */
  issueAccess(state: AccountState): string {
    const token = randomToken(prefixes[state.sim.provider].access);
    this.register(state, 'access', token);
    state.sim.expiresAt = state.sim.provider === 'mcp' ? null : Date.now() + state.ttlSeconds * 1000;
    return token;
  }

  issueRefresh(state: AccountState): string {
    const token = randomToken(prefixes[state.sim.provider].refresh);
    this.register(state, 'refresh', token);
    return token;
  }

  expired(state: AccountState, now = Date.now()): boolean {
    return state.sim.expiresAt !== null && now >= state.sim.expiresAt;
  }

  private register(state: AccountState, kind: TokenKind, token: string): void {
    const field = kind === 'access' ? 'accessToken' : kind === 'refresh' ? 'refreshToken' : 'appToken';
    const old = state.sim[field];
    const oldEntry = old ? this.tokens.get(old) : undefined;
    if (oldEntry) oldEntry.current = false;
    state.sim[field] = token;
    this.tokens.set(token, { state, kind, current: true });
  }
}

function defaultName(provider: SimProvider): string {
  const id = randomBytes(4).toString('hex');
  return isGoogle(provider) ? `user-${id}@example.com` : `${provider}-${id}`;
}

/** Single-use values that expire: OAuth authorization codes, Socket Mode tickets. */
export class OneTimeCodes<T> {
  private readonly codes = new Map<string, { value: T; expiresAt: number }>();
  constructor(private readonly prefix: string, private readonly ttlMs: number) {}

  issue(value: T): string {
    const now = Date.now();
    for (const [k, v] of this.codes) if (v.expiresAt <= now) this.codes.delete(k);
    const code = randomToken(this.prefix, 18);
    this.codes.set(code, { value, expiresAt: now + this.ttlMs });
    return code;
  }

  take(code: string | undefined): T | undefined {
    if (!code) return undefined;
    const hit = this.codes.get(code);
    this.codes.delete(code);
    return hit && hit.expiresAt > Date.now() ? hit.value : undefined;
  }
}

export const snapshot = (s: AccountState): SimAccount => ({ ...s.sim, scopes: [...s.sim.scopes] });

/** Scopes still granted: the account's scopes minus a missingScope fault. */
export const effectiveScopes = (s: AccountState): string[] => s.sim.scopes.filter((x) => x !== s.faults.missingScope);
