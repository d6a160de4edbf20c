// The simulator's public shapes. Tests, the demo and benchmarks code against exactly these.

export type SimProvider = 'gmail' | 'google_calendar' | 'slack' | 'mcp';

export interface SimAccount {
  account: string;
  provider: SimProvider;
  accessToken: string;
  refreshToken: string | null;
  appToken: string | null;
  scopes: string[];
  expiresAt: number | null;
}

export interface Faults {
  /** Delay every response of this account. */
  latencyMs?: number;
  /** Accept the request, never answer. */
  timeout?: boolean;
  /** 'expired': access token rejected but refresh works (and clears this fault); 'revoked': refresh fails too. */
  unauthorized?: 'expired' | 'revoked';
  /** This scope is no longer granted. */
  missingScope?: string;
  /** 429 with Retry-After. */
  rateLimit?: { retryAfterSeconds: number };
  /** Quota headers report >= 90 % used. */
  quotaNearLimit?: boolean;
  /** Respond with this 5xx. */
  serverError?: number;
  /** Close the socket without an HTTP response. */
  refuse?: boolean;
  /** 200 with a body that is not valid JSON. */
  malformed?: boolean;
  /** calendarList/primary accessRole = 'reader'. */
  readOnlyCalendar?: boolean;
  /** Slack Socket Mode: the connection opens but no hello is sent. */
  socketNoHello?: boolean;
}

export interface NewSimAccount {
  provider: SimProvider;
  scopes?: string[];
  account?: string;
  accessTokenTtlSeconds?: number;
}

/** One request that reached an account. status 0 = no HTTP response (refused, or never answered). */
export interface SimRequest {
  method: string;
  path: string;
  status: number;
}

export interface Simulator {
  /** http://<host>:<port> */
  url: string;
  createAccount(a: NewSimAccount): SimAccount;
  /** Replaces the account's faults; {} clears. */
  setFaults(account: string, faults: Faults): void;
  /** Current tokens (after refreshes). */
  account(account: string): SimAccount | undefined;
  requests(account: string): SimRequest[];
  close(): Promise<void>;
}

/** One line of the request log (main.ts prints these). Never carries tokens or query strings. */
export interface SimLogEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  account: string | null;
}
