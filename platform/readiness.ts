// Can this process do its job right now? Every role depends on Postgres, Kafka and the schema
// registry; `/readyz` reports each, so an orchestrator stops routing to an instance that cannot
// record what it accepts. Answers are cached briefly: probes arrive every few seconds from
// several places, and each check opens connections.
import type { Db } from './db.js';
import type { KafkaClient } from './kafka.js';
import type { Dependency } from './unavailable.js';

export type DependencyState = 'up' | 'down';

export interface Readiness {
  ready: boolean;
  dependencies: Record<Dependency, DependencyState>;
}

export interface ReadinessDeps {
  db: Db;
  kafka: Pick<KafkaClient, 'ping'>;
  registryUrl: string;
  now: () => number;
  /** How long one answer is reused. */
  cacheMs?: number;
  timeoutMs?: number;
}

export function readinessProbe(deps: ReadinessDeps): () => Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  let cached: { at: number; answer: Promise<Readiness> } | undefined;

  const within = <T>(p: Promise<T>): Promise<T> =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs).unref())]);
  const state = async (probe: () => Promise<boolean>): Promise<DependencyState> => ((await within(probe()).catch(() => false)) ? 'up' : 'down');

  const check = async (): Promise<Readiness> => {
    const [postgres, kafka, registry] = await Promise.all([
      state(async () => (await deps.db.query('SELECT 1')).rowCount === 1),
      state(() => deps.kafka.ping(timeoutMs)),
      state(async () => {
        const res = await fetch(`${deps.registryUrl}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
        return res.ok;
      }),
    ]);
    const dependencies = { postgres, kafka, registry };
    return { ready: Object.values(dependencies).every((s) => s === 'up'), dependencies };
  };

  return () => {
    const now = deps.now();
    if (!cached || now - cached.at >= (deps.cacheMs ?? 2_000)) cached = { at: now, answer: check() };
    return cached.answer;
  };
}
