// The API's shapes as the app uses them (see api/readModel.ts, api/integrationQueries.ts,
// api/adminMetricsQueries.ts on the server). Kept by hand: the web app has no build-time link
// to the server code, on purpose.

export type HealthStatus = 'green' | 'yellow' | 'red' | 'unknown';

export interface UserError {
  code: string;
  message: string;
  resolution: string;
  steps: string[];
  docsUrl: string;
}

/** GET /api/integrations/:id/health without `reconnectUrl`; also what the WebSocket pushes. */
export interface HealthView {
  integrationId: string;
  provider: string;
  displayName: string;
  status: HealthStatus;
  lastCheckedAt: string | null;
  lastSuccessAt: string | null;
  consecutiveFailures: number;
  latencyMs: number | null;
  error: UserError | null;
  nextCheckAt: string | null;
  checkCount: number;
  reauthRequired: boolean;
}

export interface HealthDetail extends HealthView {
  /** A signed one-click link (10 minutes) while `reauthRequired`. */
  reconnectUrl: string | null;
}

export interface IntegrationPage {
  items: HealthView[];
  total: number;
  limit: number;
  offset: number;
}

export interface CheckStep {
  name: string;
  durationMs: number;
  outcome: string;
}

export interface RawCheck {
  checkedAt: string;
  trigger: 'scheduled' | 'manual' | 'retry';
  attempt: number;
  outcome: 'succeeded' | 'failed';
  durationMs: number;
  httpStatus: number | null;
  errorCode: string | null;
  steps: CheckStep[];
}

export interface Rollup {
  bucketStart: string;
  checks: number;
  ok: number;
  degraded: number;
  failed: number;
  successRate: number | null;
  latencyAvgMs: number | null;
  latencyMaxMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  errorsByCode: Record<string, number>;
}

export type HistoryPage =
  | { integrationId: string; from: string; to: string; granularity: 'raw'; items: RawCheck[]; nextBefore: string | null }
  | { integrationId: string; from: string; to: string; granularity: 'hourly' | 'monthly'; items: Rollup[]; nextBefore: string | null };

/** The admin API's ranges. */
export type TimeRange = '24h' | '7d' | '30d';
export const timeRanges: { value: TimeRange; label: string; hours: number }[] = [
  { value: '24h', label: '24 hours', hours: 24 },
  { value: '7d', label: '7 days', hours: 168 },
  { value: '30d', label: '30 days', hours: 720 },
];
/** An integration's history takes any from/to; the last hour shows individual checks up close. */
export type HistoryRange = '1h' | TimeRange;
export const historyRanges: { value: HistoryRange; label: string; hours: number }[] = [{ value: '1h', label: 'hour', hours: 1 }, ...timeRanges];
export const rangeHours = (r: HistoryRange) => historyRanges.find((t) => t.value === r)!.hours;

// ---- admin ----

export interface ProviderFigures {
  checks: number;
  ok: number;
  degraded: number;
  failed: number;
  successRate: number | null;
  failureRate: number | null;
  latencyAvgMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
}

export interface ProviderHealth extends ProviderFigures {
  provider: string;
  trend: (ProviderFigures & { bucketStart: string })[];
}

export interface AdminIntegrationRow {
  integrationId: string;
  userId: string;
  provider: string;
  displayName: string;
  status: HealthStatus;
  lastCheckedAt: string | null;
  lastSuccessAt: string | null;
  consecutiveFailures: number;
  latencyMs: number | null;
  errorCode: string | null;
}

export interface AdminHealth {
  range: TimeRange;
  totals: Record<HealthStatus, number>;
  providers: ProviderHealth[];
  integrations: { items: AdminIntegrationRow[]; total: number; limit: number; offset: number };
}

export interface AdminIntegrationAsOf {
  integrationId: string;
  provider: string;
  displayName: string;
  userId: string;
  asOf: string;
  status: HealthStatus;
  lastCheckedAt: string | null;
  lastSuccessAt: string | null;
  consecutiveFailures: number;
  latencyMs: number | null;
  error: (UserError & { detail?: string | null }) | null;
  checkCount: number;
}

export interface AuditEntry {
  eventId: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure' | 'denied';
  sourceIp: string;
  userAgent: string | null;
  occurredAt: string;
}

export interface Replay {
  replayId: string;
  projection: string;
  state: 'replaying' | 'switching' | 'done' | 'failed';
  processed: number;
  total: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface DeadLetterCount {
  topic: string;
  sourceTopic: string;
  dlqTopic: string;
  total: number;
  pending: number;
}

/** GET /api/admin/accounts (admins with the right to manage admins). */
export interface AdminAccount {
  id: string;
  email: string;
  createdAt: string;
  lastLoginAt: string | null;
  disabled: boolean;
  disabledAt: string | null;
  canManageAdmins: boolean;
  /** The signed-in admin. */
  you: boolean;
}
