// What the zombie-projector tests send and count: HealthChecked events produced straight onto
// health.checks in rounds (keyed by integration, so spread over every partition), and the
// ledger that says whether the health and history projections applied each exactly once.
import { randomUUID } from 'node:crypto';
import type { EventProducer } from '../../../platform/kafka.js';
import type { Runtime } from '../../../platform/runtime.js';
import { aCheck, aFailedCheck } from '../../support/checks.js';
import { readTopic } from '../../support/topicReader.js';

export interface CheckFlow {
  integrations: string[];
  /** Events sent so far. */
  produced(): number;
  /** Sends one round of `size` events over the integrations, one request. */
  round(): Promise<void>;
  /**
   * Sends rounds until `stop()` (at most `limit`), each awaiting the previous one's ack, so the
   * flow is back-pressured by Kafka rather than timed.
   */
  flow(limit: number): { stop(): Promise<void> };
  close(): Promise<void>;
}

export async function checkFlow(rt: Runtime, opts: { integrations: number; size: number }): Promise<CheckFlow> {
  const integrations = Array.from({ length: opts.integrations }, () => randomUUID());
  const producer: EventProducer = await rt.kafka.producer();
  let produced = 0;
  let sent = 0;
  const round = async () => {
    const batch = await Promise.all(Array.from({ length: opts.size }, (_, i) => {
      const integrationId = integrations[(sent + i) % integrations.length] as string;
      // Spread over two hours of event time, so hourly rollups have more than one bucket.
      const startedAt = Date.now() - ((sent + i) % 2) * 3_600_000 - 1_000 + i;
      // Some failures: status, consecutive failures and error rollups move, not just counts.
      return rt.codec.encode(i % 5 === 0 ? aFailedCheck('timeout', { integrationId, startedAt }) : aCheck({ integrationId, startedAt }));
    }));
    sent += batch.length;
    await producer.send(rt.topics.checks, batch);
    produced += batch.length;
  };
  return {
    integrations,
    produced: () => produced,
    round,
    flow(limit) {
      let flowing = true;
      const done = (async () => {
        for (let i = 0; flowing && i < limit; i++) await round();
      })();
      return {
        async stop() {
          flowing = false;
          await done;
        },
      };
    },
    close: () => producer.close(),
  };
}

export interface Ledger {
  /** HealthChecked records per integration on the topic (the truth). */
  onTopic: Map<string, number>;
  /** The same figure as each projected table tells it. */
  projected: Record<'checkCount' | 'historyRows' | 'hourlyRollups' | 'monthlyRollups', Map<string, number>>;
  /** Records in health.checks' dead-letter topic (none of these events is invalid). */
  deadLettered: number;
}

/** Call once both projections have caught up with the topic. */
export async function ledger(rt: Runtime, integrations: string[]): Promise<Ledger> {
  const onTopic = new Map<string, number>();
  for (const r of await readTopic(rt.config, rt.topics.checks)) {
    if (r.key && integrations.includes(r.key)) onTopic.set(r.key, (onTopic.get(r.key) ?? 0) + 1);
  }
  const perIntegration = async (sql: string) => {
    const { rows } = await rt.db.query(sql, [integrations]);
    return new Map(rows.map((x) => [x.integration_id as string, Number(x.n)]));
  };
  const rollups = (g: string) =>
    perIntegration(`SELECT integration_id, sum(checks) AS n FROM health_rollups_integration WHERE integration_id = ANY($1) AND granularity = '${g}' GROUP BY 1`);
  return {
    onTopic,
    projected: {
      checkCount: await perIntegration('SELECT integration_id, check_count AS n FROM integration_health_checks WHERE integration_id = ANY($1)'),
      historyRows: await perIntegration('SELECT integration_id, count(*) AS n FROM integration_health_history WHERE integration_id = ANY($1) GROUP BY 1'),
      hourlyRollups: await rollups('hour'),
      monthlyRollups: await rollups('month'),
    },
    deadLettered: (await readTopic(rt.config, rt.topics.dlq(rt.topics.checks))).length,
  };
}

/** Integrations whose projected figure differs from the topic's, as "table integration: projected ≠ topic". */
export function disagreements(l: Ledger): string[] {
  const out: string[] = [];
  for (const [table, counts] of Object.entries(l.projected)) {
    for (const id of new Set([...l.onTopic.keys(), ...counts.keys()])) {
      const want = l.onTopic.get(id) ?? 0;
      const got = counts.get(id) ?? 0;
      if (got !== want) out.push(`${table} ${id}: ${got} ≠ ${want}`);
    }
  }
  return out;
}
