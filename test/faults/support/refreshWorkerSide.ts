// One check worker's side of a token refresh, built in the test process from the configuration
// alone: its own Postgres pool, Kafka producer, registry codec, credential store and OAuth
// issuers, wired to `checkIntegration` the way producers/worker.ts wires them. Two such sides
// meet only where two worker processes meet: in Postgres and on the topics. (Two real worker
// processes would own different partitions, so they never check one integration together.)
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Config } from '../../../platform/config.js';
import { createCredentialStore, type CredentialStore } from '../../../platform/credentialStore.js';
import type { EventProducer } from '../../../platform/kafka.js';
import { egressFromConfig } from '../../../platform/egress/index.js';
import { createRuntime } from '../../../platform/runtime.js';
import { providerChecks } from '../../../producers/checks/index.js';
import { checkIntegration, type CheckIntegrationDeps } from '../../../producers/checkIntegration.js';
import { oauthIssuers, type IssuerName } from '../../../producers/oauth/index.js';
import type { OAuthIssuer } from '../../../producers/oauth/issuer.js';
import type { CheckResult, ScheduledIntegration } from '../../../producers/runCheck.js';

/**
 * Makes the race as wide as it can be: every refresh waits until `loads` credential loads have
 * returned, so every concurrent check has read the expired token before any refresh reaches
 * the provider. Plain reads are not blocked by the row lock, so the gate cannot deadlock it.
 */
export interface RefreshGate {
  loaded(): void;
  readonly opened: Promise<void>;
  loads(): number;
}

export function refreshGate(loads: number): RefreshGate {
  let seen = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    loaded() {
      if (++seen >= loads) open();
    },
    opened,
    loads: () => seen,
  };
}

export interface WorkerSide {
  /** One scheduled check of `integration`, through the real checkIntegration. */
  check(integration: ScheduledIntegration): Promise<CheckResult>;
  close(): Promise<void>;
}

const gatedStore = (store: CredentialStore, gate: RefreshGate): CredentialStore => ({
  ...store,
  async load(integrationId) {
    const found = await store.load(integrationId);
    gate.loaded();
    return found;
  },
});

const gatedIssuers = (issuers: Record<IssuerName, OAuthIssuer>, gate: RefreshGate): Record<IssuerName, OAuthIssuer> =>
  Object.fromEntries(Object.entries(issuers).map(([name, issuer]) => [name, {
    ...issuer,
    refresh: async (refreshToken: string, signal?: AbortSignal) => {
      await gate.opened;
      return issuer.refresh(refreshToken, signal);
    },
  }])) as Record<IssuerName, OAuthIssuer>;

export async function startWorkerSide(config: Config, name: string, gate: RefreshGate): Promise<WorkerSide> {
  const rt = createRuntime(config, `refresh-worker-${name}`);
  let producer: EventProducer;
  try {
    producer = await rt.kafka.producer();
  } catch (err) {
    await rt.close();
    throw err;
  }
  const egress = egressFromConfig(config);
  const deps: CheckIntegrationDeps = {
    env: {
      timeoutMs: config.checks.timeoutMs,
      endpoints: { googleApis: config.providers.googleApis, slackApi: config.providers.slackApi },
      network: { targets: egress.targets, providers: egress.providers },
      now: Date.now,
      monotonic: () => performance.now(),
      newId: randomUUID,
    },
    providers: providerChecks,
    credentials: gatedStore(createCredentialStore(rt.db, config.credentialKeys), gate),
    issuers: gatedIssuers(oauthIssuers(config, Date.now, egress.providers), gate),
    refreshAheadMs: config.tokenRefreshAheadSeconds * 1000,
    reauthAnnounced: new Map(),
    // Acked before the check returns, so the lifecycle topic holds everything a check emitted.
    emit: async (event) => producer.send(rt.topics.lifecycle, [await rt.codec.encode(event)]),
  };
  return {
    check: (integration) => checkIntegration(integration, 'scheduled', 1, deps),
    async close() {
      await producer.close();
      await egress.close();
      await rt.close();
    },
  };
}
