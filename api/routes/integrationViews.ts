// What /api/integrations answers, as zod schemas: the OpenAPI document describes the
// responses with them, and the OpenAPI test parses real answers with them, so a field
// renamed in a query but not here fails a test.
import { z } from 'zod';

const instant = z.iso.datetime();
const count = z.number().int().min(0);
const ms = z.number().int().min(0);

export const healthStatus = z.enum(['green', 'yellow', 'red', 'unknown']);

export const userErrorView = z.object({
  code: z.string().meta({ description: 'see docs/troubleshooting.md' }),
  message: z.string(),
  resolution: z.string().meta({ description: 'the steps as one paragraph' }),
  steps: z.array(z.string()),
  docsUrl: z.string(),
});

/** One integration's current health (also the `view` of WebSocket frames). */
export const healthView = z.object({
  integrationId: z.uuid(),
  provider: z.string(),
  displayName: z.string(),
  status: healthStatus,
  lastCheckedAt: instant.nullable(),
  lastSuccessAt: instant.nullable(),
  consecutiveFailures: count,
  latencyMs: ms.nullable(),
  error: userErrorView.nullable(),
  nextCheckAt: instant.nullable(),
  checkCount: count,
  reauthRequired: z.boolean().meta({ description: 'red for a reason only reconnecting fixes (revoked token, missing scope)' }),
});

export const healthResponse = healthView.extend({
  reconnectUrl: z.string().nullable().meta({ description: 'one-click reconnect link (valid 10 minutes) while reauthRequired' }),
});

export const integrationPage = z.object({ items: z.array(healthView), total: count, limit: count, offset: count });

export const accepted = z.object({ id: z.uuid() });

export const connectAccepted = accepted.extend({
  authorizeUrl: z.string().optional().meta({ description: 'OAuth providers: send the browser here; the integration exists once access is granted' }),
});

export const checkRequested = z.object({ requestId: z.uuid().meta({ description: 'carried by the resulting check (history `requestId`)' }) });

const rawCheck = z.object({
  checkedAt: instant,
  trigger: z.enum(['scheduled', 'manual', 'retry']),
  attempt: z.number().int().min(1),
  outcome: z.enum(['succeeded', 'failed']),
  durationMs: ms,
  httpStatus: z.number().int().nullable(),
  errorCode: z.string().nullable(),
  steps: z.array(z.object({ name: z.string(), durationMs: ms, outcome: z.string() })),
});

const rate = z.number().min(0).max(1).nullable();

export const rollupView = z.object({
  bucketStart: instant,
  checks: count, ok: count, degraded: count, failed: count,
  successRate: rate,
  latencyAvgMs: ms.nullable(), latencyMaxMs: ms.nullable(),
  latencyP50Ms: z.number().nullable(), latencyP95Ms: z.number().nullable(), latencyP99Ms: z.number().nullable(),
  errorsByCode: z.record(z.string(), count),
});

export const historyPage = z.object({
  integrationId: z.uuid(),
  from: instant,
  to: instant,
  granularity: z.enum(['raw', 'hourly', 'monthly']),
  items: z.array(z.union([rawCheck, rollupView])).meta({ description: 'raw: one entry per check; hourly/monthly: one rollup per bucket; newest first' }),
  nextBefore: instant.nullable().meta({ description: 'pass as `before` for the next (older) page; null on the last' }),
});
