// One fault scenario on the fault world: a database and topics of its own, real Pulse roles as
// processes (so they can be observed from outside and killed), a flow of checks against a local
// HTTP target, and the ledger that says whether every fact was kept exactly once.
//
// The ledger compares four independent counts per integration:
//   produced   requests the HTTP target served (each is one check, i.e. one HealthChecked owed)
//   on topic   distinct HealthChecked eventIds on health.checks (and how many records repeat one)
//   history    rows in integration_health_history, and check_count in integration_health_checks
//   rollups    hourly and monthly rollup sums
// plus the dead-letter topics, which must hold no valid record.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../../platform/config.js';
import { createRuntime, prepare, type Runtime } from '../../../platform/runtime.js';
import { topicSpecs } from '../../../platform/topics.js';
import { startHttpTarget, type HttpTarget } from '../../../simulator/httpTarget.js';
import { reachEntries } from '../../support/egress.js';
import { startPulseProcess, kill, type PulseProcess } from '../../support/processes.js';
import { caughtUp } from '../../support/signals.js';
import { readTopic } from '../../support/topicReader.js';
import { asWorldAdmin, type FaultWorld } from './world.js';

export interface Scenario {
  label: string;
  world: FaultWorld;
  /** Settings for Pulse processes and runtimes of this scenario. */
  overrides: Record<string, string>;
  config(): Config;
  /** The test's own runtime: direct to Postgres (not through the proxy), same Kafka and registry. */
  rt: Runtime;
  /** Starts `pulse <args>` with this scenario's settings (JSON logs at `level`). */
  start(args: string[], env?: Record<string, string>, level?: string): PulseProcess;
  drop(): Promise<void>;
}

export async function openScenario(world: FaultWorld, label: string, settings: Record<string, string> = {}): Promise<Scenario> {
  const slug = `${label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 24)}_${randomBytes(2).toString('hex')}`;
  const database = `pulse_fault_${slug}`;
  await asWorldAdmin(world, (c) => c.query(`CREATE DATABASE ${database}`));
  const overrides: Record<string, string> = {
    KAFKA_BROKERS: world.kafka.bootstrap.join(','),
    KAFKA_REPLICATION_FACTOR: '3',
    SCHEMA_REGISTRY_URL: world.registryUrl,
    DATABASE_URL: world.proxiedPostgresUrl(database),
    TOPIC_PREFIX: `fault-${slug}.`,
    TOPIC_PARTITIONS: '3',
    ...settings,
  };
  const config = () => loadConfig(undefined, overrides);
  const rt = createRuntime(loadConfig(undefined, { ...overrides, DATABASE_URL: world.directPostgresUrl(database) }), `fault-${slug}`);
  await prepare(rt);
  const processes = new Set<PulseProcess>();
  return {
    label,
    world,
    overrides,
    config,
    rt,
    start(args, env = {}, level = 'info') {
      const p = startPulseProcess(args, { ...overrides, LOG_LEVEL: level, ...env });
      processes.add(p);
      return p;
    },
    async drop() {
      await Promise.allSettled([...processes].map((p) => kill(p)));
      try {
        await rt.kafka.deleteTopics(topicSpecs(config()).map((t) => t.name));
      } catch {
        /* leftovers are harmless */
      }
      await rt.close();
      await asWorldAdmin(world, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch(() => undefined);
    },
  };
}

export interface CheckLoad {
  integrations: string[];
  target: HttpTarget;
  close(): Promise<void>;
}

/**
 * `count` HTTP integrations checked every `intervalSeconds` against a local target, connected by
 * writing IntegrationConnected to the lifecycle topic (what the API does on POST).
 */
export async function connectCheckLoad(s: Scenario, count: number, intervalSeconds: number): Promise<CheckLoad> {
  const target = await startHttpTarget();
  // Processes started from now on may check exactly this target (EGRESS_ALLOW), as a deployment
  // would open what it monitors; every other loopback port stays refused.
  s.overrides.EGRESS_ALLOW = [s.overrides.EGRESS_ALLOW, reachEntries([target.url])].filter(Boolean).join(',');
  const integrations = Array.from({ length: count }, () => randomUUID());
  const producer = await s.rt.kafka.producer();
  try {
    const now = Date.now();
    const events = await Promise.all(integrations.map((integrationId, i) => s.rt.codec.encode({
      type: 'IntegrationConnected', eventId: randomUUID(), integrationId, userId: `fault-user-${i % 20}`, occurredAt: now,
      provider: 'http', displayName: `fault target ${i}`, checkIntervalSeconds: intervalSeconds, config: { url: `${target.url}/${integrationId}` },
    })));
    await producer.send(s.rt.topics.lifecycle, events);
  } finally {
    await producer.close();
  }
  return { integrations, target, close: () => target.close() };
}

export interface Ledger {
  produced: number;
  /** Checks the target served that never reached the topic. */
  lost: number;
  /** Records on the topic repeating an eventId already there. */
  duplicated: number;
  /** Records of this scenario in the dead-letter topics of checks and lifecycle. */
  deadLettered: number;
  /** Integrations whose history, health or rollups disagree with the topic, with how. */
  disagreements: string[];
}

/**
 * Call once the worker has stopped (so every check it ran has been published or is known lost)
 * and the projector runs: waits until the projections have read the whole topic, then counts.
 */
export async function settleLedger(s: Scenario, load: CheckLoad, timeoutMs = 180_000): Promise<Ledger> {
  const { rt } = s;
  await caughtUp(rt, { projection: 'integration_health' }, [rt.topics.checks], timeoutMs);
  await caughtUp(rt, { projection: 'health_history' }, [rt.topics.checks], timeoutMs);

  const ids = new Set(load.integrations);
  const eventIds = new Map<string, Set<string>>();
  const lastStarted = new Map<string, number>();
  let records = 0;
  for (const r of await readTopic(rt.config, rt.topics.checks)) {
    if (!r.key || !ids.has(r.key)) continue;
    const event = await rt.codec.decode({ topic: rt.topics.checks, partition: r.partition, offset: BigInt(r.offset), key: r.key, value: r.value, headers: r.headers, timestamp: 0 });
    if (event.type !== 'HealthChecked') continue;
    records++;
    const set = eventIds.get(r.key) ?? new Set<string>();
    set.add(event.eventId);
    eventIds.set(r.key, set);
    lastStarted.set(r.key, Math.max(lastStarted.get(r.key) ?? 0, event.startedAt));
  }
  const onTopic = (id: string) => eventIds.get(id)?.size ?? 0;
  const distinct = load.integrations.reduce((n, id) => n + onTopic(id), 0);
  const produced = load.integrations.reduce((n, id) => n + load.target.hits(id), 0);
  const lost = load.integrations.reduce((n, id) => n + Math.max(0, load.target.hits(id) - onTopic(id)), 0);

  const perIntegration = async (sql: string) => {
    const r = await rt.db.query(sql, [load.integrations]);
    return new Map(r.rows.map((x) => [x.integration_id as string, Number(x.n)]));
  };
  const views = {
    history: await perIntegration('SELECT integration_id, count(*) AS n FROM integration_health_history WHERE integration_id = ANY($1) GROUP BY 1'),
    health: await perIntegration('SELECT integration_id, check_count AS n FROM integration_health_checks WHERE integration_id = ANY($1)'),
    hourly: await perIntegration(`SELECT integration_id, sum(checks) AS n FROM health_rollups_integration WHERE integration_id = ANY($1) AND granularity = 'hour' GROUP BY 1`),
    monthly: await perIntegration(`SELECT integration_id, sum(checks) AS n FROM health_rollups_integration WHERE integration_id = ANY($1) AND granularity = 'month' GROUP BY 1`),
  };
  const disagreements: string[] = [];
  for (const id of load.integrations) {
    const want = onTopic(id);
    const got = Object.entries(views).filter(([, m]) => (m.get(id) ?? 0) !== want).map(([name, m]) => `${name} ${m.get(id) ?? 0}`);
    if (load.target.hits(id) !== want) got.unshift(`target served ${load.target.hits(id)}`);
    if (got.length) disagreements.push(`${id.slice(0, 8)}: topic ${want}, ${got.join(', ')} (last check on the topic started ${new Date(lastStarted.get(id) ?? 0).toISOString()})`);
  }

  let deadLettered = 0;
  for (const topic of [rt.topics.dlq(rt.topics.checks), rt.topics.dlq(rt.topics.lifecycle)]) deadLettered += (await readTopic(rt.config, topic)).length;
  return { produced, lost, duplicated: records - distinct, deadLettered, disagreements };
}
