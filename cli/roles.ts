// The long-running roles a Pulse process can play. `pulse start` runs them all in one
// process for the demo; in production each runs (and scales) on its own.
import { createServer, type Server } from 'node:http';
import { createApp } from '../api/app.js';
import { startRealtime } from '../api/realtime/server.js';
import { oauthLinks } from '../api/oauth.js';
import { manualCheckLimiter } from '../api/manualCheckLimit.js';
import { adminLoginLimiter } from '../api/adminLoginLimit.js';
import { integrationQuota } from '../api/integrationQuota.js';
import { requestRate } from '../api/requestRate.js';
import { createAdminSessions } from '../api/adminSessions.js';
import { createCredentialStore } from '../platform/credentialStore.js';
import { oauthIssuers } from '../producers/oauth/index.js';
import { egressPolicy, providerEgress, systemResolver } from '../platform/egress/index.js';
import { runProjector } from '../consumers/projector.js';
import type { Runtime } from '../platform/runtime.js';
import { readinessProbe } from '../platform/readiness.js';
import { integrationHealthProjection } from '../projections/integrationHealth.js';
import { integrationsProjection } from '../projections/integrations.js';
import { healthHistoryProjection } from '../projections/healthHistory.js';
import { adminAuditProjection } from '../projections/adminAudit.js';
import type { Projection } from '../projections/projection.js';
import { startCheckWorker } from '../producers/worker.js';
import { registerWorkerMetrics } from '../producers/workerMetrics.js';
import { applyRetention } from '../projections/retention.js';
import { alertConfigProjection } from '../projections/alertConfig.js';
import { alertsProjection } from '../projections/alerts.js';
import { runAlertEvaluator } from '../consumers/alertEvaluator.js';
import { runNotifier } from '../consumers/notifier.js';
import { seedDefaultAlertRules } from '../consumers/defaultAlertRules.js';
import { createWebhookTargetStore } from '../platform/webhookTargets.js';
import type { EvaluatorSettings } from '../alerting/types.js';

export interface Stoppable {
  stop(): Promise<void>;
}

export function allProjections(rt: Runtime): Projection<any>[] {
  return [
    integrationsProjection, integrationHealthProjection(rt.config.statusRules), healthHistoryProjection(rt.config.statusRules), adminAuditProjection,
    alertConfigProjection, alertsProjection,
  ];
}

/** Flapping: 4 raise/resolve transitions within an hour damp an alert until 10 stable minutes pass. */
const evaluatorSettings = (rt: Runtime): EvaluatorSettings => ({
  statusRules: rt.config.statusRules,
  flapping: { windowSeconds: 3600, transitions: 4, stableSeconds: 600 },
});

/**
 * Links in notifications must be absolute: mail clients have no base URL. Read when a message
 * is rendered, not when the role starts: with API_PORT=0 the API role settles the URLs once it
 * has bound its port (see `startApi`), possibly after the notifier started in the same process.
 */
const notificationLinks = (rt: Runtime) => ({
  get webAppUrl() {
    return rt.config.webAppUrl;
  },
  get docsBaseUrl() {
    return rt.config.docsBaseUrl.startsWith('/') ? rt.config.publicApiUrl + rt.config.docsBaseUrl : rt.config.docsBaseUrl;
  },
});

/** Alerting: the evaluator (one active member, others standby) and the notifier. */
export async function startAlerting(rt: Runtime): Promise<Stoppable> {
  const a = rt.config.alerting;
  const producer = await rt.kafka.producer();
  const seeded = await seedDefaultAlertRules({ db: rt.db, codec: rt.codec, topics: rt.topics, producer, adminEmails: a.adminEmails, now: Date.now });
  if (seeded) rt.log.info({ rules: seeded }, 'default alert rules created');
  await producer.close();
  const evaluator = await runAlertEvaluator({ ...rt, now: Date.now, tickSeconds: a.tickSeconds, settings: evaluatorSettings(rt) });
  const notifier = await runNotifier({
    ...rt, now: Date.now, smtp: a.smtp, webhooks: a.webhooks, digestSeconds: a.digestSeconds,
    webhookTargets: createWebhookTargetStore(rt.db, rt.config.credentialKeys),
    links: notificationLinks(rt),
  });
  return {
    async stop() {
      await notifier.stop();
      await evaluator.stop();
    },
  };
}

/**
 * With API_PORT=0 the system picks the API's port, so its URLs can only be known once it is
 * bound: the ones not given explicitly (PUBLIC_API_URL, WEB_APP_URL — the API serves the web
 * app itself, as in the demo) become the address actually bound. Explicit settings, and any
 * fixed port, keep the configured values. This is how tests and tools get a working OAuth
 * round trip on a free port without probing for one first (a probed port can be taken by
 * another process before the API binds it).
 */
function adoptBoundUrl(config: Runtime['config'], url: string): void {
  if (config.api.port !== 0) return;
  if (!config.explicit.publicApiUrl) {
    config.publicApiUrl = url;
    config.adminAuth.secureCookie = url.startsWith('https:');
  }
  if (!config.explicit.webAppUrl) config.webAppUrl = url;
}

export async function startApi(rt: Runtime): Promise<Stoppable & { url: string }> {
  // A request waits seconds for Kafka, not a minute: then it gets 503 + Retry-After.
  const producer = await rt.kafka.producer({ patience: 'request' });
  // Bind first, then build the app from the URLs that binding settled (adoptBoundUrl). Nothing
  // awaits between the two, so no request is served before the app is attached.
  const server: Server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(rt.config.api.port, rt.config.api.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await producer.close();
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : rt.config.api.port;
  const url = `http://${rt.config.api.host}:${port}`;
  adoptBoundUrl(rt.config, url);
  // Code exchanges go to the configured token endpoints through the egress policy.
  const toProviders = providerEgress(rt.config);
  const issuers = oauthIssuers(rt.config, Date.now, toProviders);
  const oauthSettings = { jwtSecret: rt.config.auth.jwtSecret, publicApiUrl: rt.config.publicApiUrl, issuers };
  const app = createApp({
    ...oauthSettings,
    oauth: oauthLinks(oauthSettings),
    webAppUrl: rt.config.webAppUrl,
    corsOrigins: rt.config.corsOrigins,
    trustProxy: rt.config.api.trustProxy,
    ready: readinessProbe({ db: rt.db, kafka: rt.kafka, registryUrl: rt.config.schemaRegistryUrl, now: Date.now }),
    processMetrics: rt.metrics,
    metricsToken: rt.config.metricsToken,
    docsBaseUrl: rt.config.docsBaseUrl,
    credentials: createCredentialStore(rt.db, rt.config.credentialKeys),
    manualCheckLimit: manualCheckLimiter(rt.db, rt.config.manualChecks),
    adminSessions: createAdminSessions(rt.db, { ...rt.config.adminAuth, csrfKey: rt.config.auth.jwtSecret }),
    adminLoginLimit: adminLoginLimiter(rt.db, rt.config.adminAuth.login),
    adminRequestRate: requestRate(rt.db, rt.log, 'admin', rt.config.limits.adminRequestsPerMinute),
    userRequestRate: requestRate(rt.db, rt.log, 'user', rt.config.limits.userRequestsPerMinute),
    userTokens: { secret: rt.config.auth.jwtSecret, maxLifetimeSeconds: rt.config.auth.userTokenMaxLifetimeSeconds },
    integrationQuota: integrationQuota(rt.db, rt.config.limits.integrationsPerUser),
    db: rt.db, codec: rt.codec, producer, topics: rt.topics, log: rt.log, kafka: rt.kafka,
    projections: allProjections(rt), statusRules: rt.config.statusRules, historyDays: rt.config.retention.historyDays,
    jwtSecret: rt.config.auth.jwtSecret,
    webhookTargets: createWebhookTargetStore(rt.db, rt.config.credentialKeys),
    alerting: rt.config.alerting,
    notificationLinks: notificationLinks(rt),
    evaluatorSettings: evaluatorSettings(rt),
    defaultIntervalSeconds: rt.config.checks.defaultIntervalSeconds,
    minIntervalSeconds: rt.config.checks.minIntervalSeconds,
    egress: { policy: egressPolicy(rt.config.egress.allow), resolver: systemResolver },
    now: Date.now,
  });
  server.on('request', app);
  const realtime = await startRealtime({
    server, db: rt.db, databaseUrl: rt.config.databaseUrl, jwtSecret: rt.config.auth.jwtSecret, docsBaseUrl: rt.config.docsBaseUrl, log: rt.log,
    userTokenMaxLifetimeSeconds: rt.config.auth.userTokenMaxLifetimeSeconds,
  });
  rt.log.info({ url }, 'API listening');
  return {
    url,
    async stop() {
      await realtime.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await producer.close();
      await toProviders.close();
    },
  };
}

export async function startProjectors(rt: Runtime, names?: string[]): Promise<Stoppable> {
  const chosen = allProjections(rt).filter((p) => !names?.length || names.includes(p.name));
  const running = await Promise.all(chosen.map((p) => runProjector(p, rt)));
  rt.log.info({ projections: chosen.map((p) => p.name) }, 'projectors running');
  const ownsHistory = chosen.some((p) => p.name === 'health_history');
  const retention = ownsHistory && rt.config.retention.jobIntervalMinutes > 0 ? startRetentionJob(rt, rt.config.retention.jobIntervalMinutes) : undefined;
  return {
    stop: async () => {
      retention?.stop();
      await Promise.all(running.map((r) => r.stop()));
    },
  };
}

/** Applies retention once (the projector that owns history runs it at start and then periodically). */
export async function runRetention(rt: Runtime): Promise<void> {
  const result = await applyRetention(rt.db, Date.now(), rt.config.retention);
  rt.log.info({ job: 'retention', ...result }, 'retention applied');
}

function startRetentionJob(rt: Runtime, everyMinutes: number): { stop(): void } {
  const run = () => runRetention(rt).catch((err) => rt.log.error({ job: 'retention', err: { message: err?.message } }, 'retention failed'));
  void run();
  const timer = setInterval(run, everyMinutes * 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

export async function startWorker(rt: Runtime): Promise<Stoppable> {
  const worker = await startCheckWorker(rt);
  registerWorkerMetrics(rt.metrics, worker);
  return worker;
}

/** Stops the given roles in reverse order on SIGINT/SIGTERM, then closes the runtime. */
export function stopOnSignal(rt: Runtime, roles: Stoppable[]): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rt.log.info({ signal }, 'shutting down');
    for (const role of [...roles].reverse()) await role.stop().catch((err) => rt.log.error({ err: { message: err?.message } }, 'stop failed'));
    await rt.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
