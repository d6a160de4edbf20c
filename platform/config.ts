// The one place that reads the environment. Everything else receives a validated Config.
//
// Precedence: environment variables, then `.stack/stack.json` written by `npm run stack:up`
// (so a developer needs no .env file), then built-in defaults.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseAllowEntry } from './egress/allowList.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const stackDir = path.join(projectRoot, '.stack');

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().min(1)).min(1));

/** A comma list of EGRESS_ALLOW entries; a bad entry fails the start, named in the message (not a secret). */
const allowList = z.string().default('').superRefine((s, ctx) => {
  for (const entry of list(s)) {
    try {
      parseAllowEntry(entry);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }
});

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const configSchema = z.object({
  KAFKA_BROKERS: csv,
  KAFKA_CLIENT_ID: z.string().min(1).default('pulse'),
  /** Prepended to every topic name; tests use it to get topics of their own. */
  TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/).default(''),
  TOPIC_PARTITIONS: int(1, 1000).default(6),
  /** Copies of every partition (1 for the single-broker demo; 3 on a production cluster). */
  KAFKA_REPLICATION_FACTOR: int(1, 7).default(1),
  /**
   * Copies that must have a record before it counts as written (acks=all). Defaults to 2 when
   * there are 3 or more copies (one broker may fail without losing an acked record), else 1.
   */
  KAFKA_MIN_INSYNC_REPLICAS: int(1, 7).optional(),
  /** How long a silent consumer keeps its partitions; lower means faster takeover after a crash. */
  KAFKA_SESSION_TIMEOUT_MS: int(6_000, 300_000).default(30_000),
  SCHEMA_REGISTRY_URL: z.url(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: int(0, 65535).default(3000),
  /**
   * Roles without the API (worker, projector, alerts) serve /healthz, /readyz and /metrics on
   * this port when it is set (0 = any free port, logged); the API serves them on its own.
   */
  PROBE_PORT: int(0, 65535).optional(),
  /**
   * Bearer token that opens GET /metrics (docs/security.md#metrics). Unset: /metrics answers 404
   * on the API port; the probe port of other roles serves it to anyone who can reach that port.
   */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  CHECK_TIMEOUT_MS: int(100, 60_000).default(5_000),
  DEFAULT_CHECK_INTERVAL_SECONDS: int(1, 86_400).default(300),
  /** Shortest interval a user may choose; tests lower it to see several checks quickly. */
  MIN_CHECK_INTERVAL_SECONDS: int(1, 86_400).default(10),
  /** Fraction of the interval added at random to spread checks out (0.1 = up to +10 %). */
  CHECK_JITTER_RATIO: z.coerce.number().min(0).max(1).default(0.1),
  /**
   * Check results a worker holds while Kafka does not take them (they are sent, in order, once it
   * does). When this many are waiting, the worker stops starting checks and counts skipped slots.
   */
  CHECK_OUTBOX_CAPACITY: int(100, 10_000_000).default(50_000),
  SLOW_CHECK_MS: int(1, 60_000).default(2_000),
  FAILURES_BEFORE_RED: int(1, 100).default(3),
  /** Per-check detail (integration_health_history) is kept this long. */
  HISTORY_RETENTION_DAYS: int(1, 3650).default(30),
  /** Hourly rollups are kept this long; monthly rollups are kept forever. */
  HOURLY_ROLLUP_RETENTION_MONTHS: int(1, 120).default(13),
  /** Kafka keeps HealthChecked this long, so rollups can be rebuilt by a replay. */
  CHECKS_TOPIC_RETENTION_DAYS: int(1, 36_500).default(400),
  /** How often projector processes apply retention (0 = never; run `pulse cleanup` instead). */
  RETENTION_JOB_INTERVAL_MINUTES: int(0, 10_080).default(60),
  /**
   * Keys that encrypt stored OAuth tokens (AES-256-GCM): `id:base64key[,id:base64key…]`, each
   * key 32 bytes. The first encrypts; all decrypt, so a key can be rotated (docs/security.md).
   */
  CREDENTIALS_KEYS: z.string().regex(/^[A-Za-z0-9_-]+:[A-Za-z0-9+/=_-]+(,[A-Za-z0-9_-]+:[A-Za-z0-9+/=_-]+)*$/, 'must be id:base64key[,id:base64key…]'),
  /** Public base URL of the API, for OAuth redirect URIs. */
  PUBLIC_API_URL: z.url().optional(),
  /** Origins allowed to call the API from a browser (comma list; empty = same origin only). */
  CORS_ORIGINS: z.string().default(''),
  /** Where the user lands after connecting or reconnecting an integration. */
  WEB_APP_URL: z.url().default('http://127.0.0.1:5173'),
  /** Base of the troubleshooting docs links (docsUrl = <base>/troubleshooting.md#<code>). */
  DOCS_BASE_URL: z.string().default('/docs'),
  /** Manual "check now": at most this many per user and integration in the short window… */
  MANUAL_CHECK_BURST: int(1, 1000).default(1),
  MANUAL_CHECK_BURST_SECONDS: int(1, 3600).default(30),
  /** …and this many per hour. */
  MANUAL_CHECK_HOURLY: int(1, 10_000).default(20),
  /** Admin portal sessions end after this long without a request… */
  ADMIN_SESSION_IDLE_MINUTES: int(1, 1440).default(30),
  /** …and this long after login, whatever happens. */
  ADMIN_SESSION_MAX_HOURS: int(1, 168).default(12),
  /** Failed admin logins allowed per email, and per source IP, within the window; then 429. */
  ADMIN_LOGIN_FAILURES_PER_EMAIL: int(1, 1000).default(5),
  ADMIN_LOGIN_FAILURES_PER_IP: int(1, 100_000).default(20),
  ADMIN_LOGIN_WINDOW_MINUTES: int(1, 1440).default(15),
  /** Requests per minute per user (bearer token) to the user API, and per admin session to /api/admin; then 429. */
  USER_REQUESTS_PER_MINUTE: int(1, 1_000_000).default(600),
  ADMIN_REQUESTS_PER_MINUTE: int(1, 1_000_000).default(600),
  /** Integrations one user may have connected at once; past it, connecting answers 409. */
  MAX_INTEGRATIONS_PER_USER: int(1, 100_000).default(200),
  /** Longest lifetime (exp - iat) a user token may have; a token without exp is refused. */
  USER_TOKEN_MAX_LIFETIME_HOURS: int(1, 8760).default(24),
  RETRY_MAX_ATTEMPTS: int(1, 10).default(3),
  RETRY_BASE_MS: int(1, 600_000).default(2_000),
  RETRY_CAP_MS: int(1, 3_600_000).default(60_000),
  /** Refresh an access token this long before it expires (and at least daily). */
  TOKEN_REFRESH_AHEAD_SECONDS: int(0, 86_400).default(300),
  // Provider endpoints: the real hosts by default; tests and the demo point them at the simulator.
  GOOGLE_APIS_BASE_URL: z.url().default('https://www.googleapis.com'),
  GOOGLE_OAUTH_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  GOOGLE_OAUTH_AUTHORIZE_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  GOOGLE_CLIENT_ID: z.string().default('pulse-dev'),
  GOOGLE_CLIENT_SECRET: z.string().default(''),
  SLACK_API_BASE_URL: z.url().default('https://slack.com/api'),
  SLACK_OAUTH_AUTHORIZE_URL: z.url().default('https://slack.com/oauth/v2/authorize'),
  SLACK_CLIENT_ID: z.string().default('pulse-dev'),
  SLACK_CLIENT_SECRET: z.string().default(''),
  /**
   * Express `trust proxy`: which proxies may set X-Forwarded-For, so the login limit and the
   * audit log see the client's address. Empty = none (direct connections); e.g. `1`,
   * `loopback`, `10.0.0.0/8`.
   */
  TRUST_PROXY: z.string().default(''),
  // Alerting (docs/alerting.md).
  /** How often the evaluator lets time pass: stalled checks, escalations, cooldowns. */
  ALERT_TICK_SECONDS: int(1, 3600).default(15),
  /** Notifications for one channel within this window go out as one digest. */
  ALERT_DIGEST_SECONDS: int(0, 3600).default(30),
  /** Who the default rules notify (comma list of emails; empty = webhooks only). */
  ALERT_ADMIN_EMAILS: z.string().default(''),
  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: int(1, 65535).default(25),
  /** true = TLS from the start (port 465); false = STARTTLS when the server offers it. */
  SMTP_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  SMTP_USER: z.string().default(''),
  SMTP_PASSWORD: z.string().default(''),
  SMTP_FROM: z.string().default('Pulse <pulse@localhost>'),
  /**
   * What checks and webhooks may reach besides public addresses (docs/security.md#egress-policy):
   * comma list of CIDRs, IPs or host names, each optionally with :port (then only that port).
   */
  EGRESS_ALLOW: allowList,
  /** Deprecated alias of EGRESS_ALLOW (same entries, merged into it). */
  WEBHOOK_ALLOW_PRIVATE: allowList,
  WEBHOOK_TIMEOUT_MS: int(100, 60_000).default(5_000),
  WEBHOOK_MAX_ATTEMPTS: int(1, 20).default(5),
  WEBHOOK_RETRY_BASE_MS: int(1, 600_000).default(1_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  kafka: { brokers: string[]; clientId: string; topicPrefix: string; partitions: number; replicationFactor: number; minInsyncReplicas: number; sessionTimeoutMs: number };
  schemaRegistryUrl: string;
  databaseUrl: string;
  api: { host: string; port: number; trustProxy: boolean | number | string };
  /** Port of the probe server of a role without the API; undefined = none. */
  probePort: number | undefined;
  /** Bearer token required by /metrics; undefined = none (then the API port does not serve it). */
  metricsToken: string | undefined;
  /** EGRESS_ALLOW plus the deprecated WEBHOOK_ALLOW_PRIVATE: what user-chosen targets may reach besides public addresses. */
  egress: { allow: string[] };
  auth: { jwtSecret: string; userTokenMaxLifetimeSeconds: number };
  /** Per-user and per-admin-session request rates, and integrations per user (docs/security.md#limits). */
  limits: { userRequestsPerMinute: number; adminRequestsPerMinute: number; integrationsPerUser: number };
  credentialKeys: { id: string; key: Buffer }[];
  publicApiUrl: string;
  webAppUrl: string;
  corsOrigins: string[];
  docsBaseUrl: string;
  retry: { maxAttempts: number; baseMs: number; capMs: number };
  manualChecks: { burst: number; burstSeconds: number; hourly: number };
  adminAuth: {
    sessionIdleMinutes: number;
    sessionMaxHours: number;
    /** Mark the session cookie Secure (PUBLIC_API_URL is https). */
    secureCookie: boolean;
    login: { failuresPerEmail: number; failuresPerIp: number; windowMinutes: number };
  };
  tokenRefreshAheadSeconds: number;
  checks: {
    timeoutMs: number;
    defaultIntervalSeconds: number;
    minIntervalSeconds: number;
    jitterRatio: number;
    outboxCapacity: number;
  };
  statusRules: { slowCheckMs: number; failuresBeforeRed: number };
  providers: {
    googleApis: string;
    googleTokenUrl: string;
    googleAuthorizeUrl: string;
    googleClient: { id: string; secret: string };
    slackApi: string;
    slackAuthorizeUrl: string;
    slackClient: { id: string; secret: string };
  };
  retention: { historyDays: number; hourlyRollupMonths: number; checksTopicDays: number; jobIntervalMinutes: number };
  alerting: {
    tickSeconds: number;
    digestSeconds: number;
    adminEmails: string[];
    smtp: { host: string; port: number; secure: boolean; user: string; password: string; from: string };
    /** allowPrivate: the egress allow-list (EGRESS_ALLOW + WEBHOOK_ALLOW_PRIVATE). */
    webhooks: { allowPrivate: string[]; timeoutMs: number; maxAttempts: number; retryBaseMs: number };
  };
  logLevel: RawConfig['LOG_LEVEL'];
  /** Settings given explicitly (environment or overrides) rather than defaulted: the demo fills in only the rest. */
  explicit: { publicApiUrl: boolean; webAppUrl: boolean; smtpHost: boolean; adminEmails: boolean };
}

/** Values written by the local stack and the dev secret file; used only where env is silent. */
function localDefaults(): Record<string, string> {
  const out: Record<string, string> = {};
  const stack = readJson(path.join(stackDir, 'stack.json'));
  if (stack) {
    if (Array.isArray(stack.kafkaBrokers)) out.KAFKA_BROKERS = stack.kafkaBrokers.join(',');
    if (typeof stack.replicationFactor === 'number') out.KAFKA_REPLICATION_FACTOR = String(stack.replicationFactor);
    if (typeof stack.schemaRegistryUrl === 'string') out.SCHEMA_REGISTRY_URL = stack.schemaRegistryUrl;
    if (typeof stack.databaseUrl === 'string') out.DATABASE_URL = stack.databaseUrl;
  }
  const secrets = readJson(path.join(stackDir, 'dev-secrets.json'));
  if (secrets && typeof secrets.jwtSecret === 'string') out.JWT_SECRET = secrets.jwtSecret;
  if (secrets && typeof secrets.credentialsKeys === 'string') out.CREDENTIALS_KEYS = secrets.credentialsKeys;
  return out;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export class ConfigError extends Error {}

/** `overrides` win over everything (benchmarks and tools that need their own topics or database). */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Record<string, string> = {}): Config {
  const merged: Record<string, string | undefined> = {
    KAFKA_BROKERS: '127.0.0.1:9092',
    SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/pulse',
    ...localDefaults(),
    ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
    ...overrides,
  };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    // Name the variable, never echo its value: it may be a secret.
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const c = parsed.data;
  const credentialKeys = c.CREDENTIALS_KEYS.split(',').map((pair) => {
    const [id, b64] = pair.split(':') as [string, string];
    return { id, key: Buffer.from(b64, 'base64') };
  });
  if (credentialKeys.some((k) => k.key.length !== 32)) throw new ConfigError('invalid configuration:\n  CREDENTIALS_KEYS: every key must be 32 bytes (base64)');
  if ((c.KAFKA_MIN_INSYNC_REPLICAS ?? 1) > c.KAFKA_REPLICATION_FACTOR) {
    throw new ConfigError('invalid configuration:\n  KAFKA_MIN_INSYNC_REPLICAS: cannot exceed KAFKA_REPLICATION_FACTOR (no write could ever be acknowledged)');
  }
  const egressAllow = [...new Set([...list(c.EGRESS_ALLOW), ...list(c.WEBHOOK_ALLOW_PRIVATE)])];
  const publicApiUrl = (c.PUBLIC_API_URL ?? `http://${c.API_HOST}:${c.API_PORT}`).replace(/\/+$/, '');
  return {
    credentialKeys,
    publicApiUrl,
    adminAuth: {
      sessionIdleMinutes: c.ADMIN_SESSION_IDLE_MINUTES,
      sessionMaxHours: c.ADMIN_SESSION_MAX_HOURS,
      secureCookie: publicApiUrl.startsWith('https:'),
      login: { failuresPerEmail: c.ADMIN_LOGIN_FAILURES_PER_EMAIL, failuresPerIp: c.ADMIN_LOGIN_FAILURES_PER_IP, windowMinutes: c.ADMIN_LOGIN_WINDOW_MINUTES },
    },
    webAppUrl: c.WEB_APP_URL.replace(/\/+$/, ''),
    corsOrigins: list(c.CORS_ORIGINS),
    docsBaseUrl: c.DOCS_BASE_URL.replace(/\/+$/, ''),
    retry: { maxAttempts: c.RETRY_MAX_ATTEMPTS, baseMs: c.RETRY_BASE_MS, capMs: c.RETRY_CAP_MS },
    manualChecks: { burst: c.MANUAL_CHECK_BURST, burstSeconds: c.MANUAL_CHECK_BURST_SECONDS, hourly: c.MANUAL_CHECK_HOURLY },
    tokenRefreshAheadSeconds: c.TOKEN_REFRESH_AHEAD_SECONDS,
    kafka: {
      brokers: c.KAFKA_BROKERS, clientId: c.KAFKA_CLIENT_ID, topicPrefix: c.TOPIC_PREFIX, partitions: c.TOPIC_PARTITIONS,
      replicationFactor: c.KAFKA_REPLICATION_FACTOR, minInsyncReplicas: c.KAFKA_MIN_INSYNC_REPLICAS ?? (c.KAFKA_REPLICATION_FACTOR >= 3 ? 2 : 1),
      sessionTimeoutMs: c.KAFKA_SESSION_TIMEOUT_MS,
    },
    schemaRegistryUrl: c.SCHEMA_REGISTRY_URL.replace(/\/+$/, ''),
    databaseUrl: c.DATABASE_URL,
    api: { host: c.API_HOST, port: c.API_PORT, trustProxy: trustProxySetting(c.TRUST_PROXY) },
    probePort: c.PROBE_PORT,
    metricsToken: c.METRICS_TOKEN,
    egress: { allow: egressAllow },
    auth: { jwtSecret: c.JWT_SECRET, userTokenMaxLifetimeSeconds: c.USER_TOKEN_MAX_LIFETIME_HOURS * 3600 },
    limits: { userRequestsPerMinute: c.USER_REQUESTS_PER_MINUTE, adminRequestsPerMinute: c.ADMIN_REQUESTS_PER_MINUTE, integrationsPerUser: c.MAX_INTEGRATIONS_PER_USER },
    checks: {
      timeoutMs: c.CHECK_TIMEOUT_MS,
      defaultIntervalSeconds: c.DEFAULT_CHECK_INTERVAL_SECONDS,
      minIntervalSeconds: c.MIN_CHECK_INTERVAL_SECONDS,
      jitterRatio: c.CHECK_JITTER_RATIO,
      outboxCapacity: c.CHECK_OUTBOX_CAPACITY,
    },
    statusRules: { slowCheckMs: c.SLOW_CHECK_MS, failuresBeforeRed: c.FAILURES_BEFORE_RED },
    providers: {
      googleApis: c.GOOGLE_APIS_BASE_URL.replace(/\/+$/, ''),
      googleTokenUrl: c.GOOGLE_OAUTH_TOKEN_URL,
      googleAuthorizeUrl: c.GOOGLE_OAUTH_AUTHORIZE_URL,
      googleClient: { id: c.GOOGLE_CLIENT_ID, secret: c.GOOGLE_CLIENT_SECRET },
      slackApi: c.SLACK_API_BASE_URL.replace(/\/+$/, ''),
      slackAuthorizeUrl: c.SLACK_OAUTH_AUTHORIZE_URL,
      slackClient: { id: c.SLACK_CLIENT_ID, secret: c.SLACK_CLIENT_SECRET },
    },
    retention: { historyDays: c.HISTORY_RETENTION_DAYS, hourlyRollupMonths: c.HOURLY_ROLLUP_RETENTION_MONTHS, checksTopicDays: c.CHECKS_TOPIC_RETENTION_DAYS, jobIntervalMinutes: c.RETENTION_JOB_INTERVAL_MINUTES },
    alerting: {
      tickSeconds: c.ALERT_TICK_SECONDS,
      digestSeconds: c.ALERT_DIGEST_SECONDS,
      adminEmails: list(c.ALERT_ADMIN_EMAILS),
      smtp: { host: c.SMTP_HOST, port: c.SMTP_PORT, secure: c.SMTP_SECURE, user: c.SMTP_USER, password: c.SMTP_PASSWORD, from: c.SMTP_FROM },
      webhooks: { allowPrivate: egressAllow, timeoutMs: c.WEBHOOK_TIMEOUT_MS, maxAttempts: c.WEBHOOK_MAX_ATTEMPTS, retryBaseMs: c.WEBHOOK_RETRY_BASE_MS },
    },
    logLevel: c.LOG_LEVEL,
    explicit: {
      publicApiUrl: Boolean(merged.PUBLIC_API_URL),
      webAppUrl: Boolean(merged.WEB_APP_URL),
      smtpHost: Boolean(merged.SMTP_HOST),
      adminEmails: Boolean(merged.ALERT_ADMIN_EMAILS),
    },
  };
}

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** Express reads `trust proxy` as a boolean, a hop count or an address list. */
function trustProxySetting(raw: string): boolean | number | string {
  const v = raw.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
