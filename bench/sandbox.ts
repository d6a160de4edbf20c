// A throwaway place for a benchmark: its own database and topic prefix on the local stack,
// prepared like a real deployment, and removed afterwards whatever happens.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDevSecrets } from '../cli/devSecrets.js';
import { ensureStackUp } from '../deploy/stack/index.js';
import { loadConfig } from '../platform/config.js';
import { createRuntime, prepare, type Runtime } from '../platform/runtime.js';
import { topicSpecs } from '../platform/topics.js';

/** Runs `fn` with a runtime on fresh topics and a fresh database; `overrides` is what a child process needs to join it. */
export async function withBenchSandbox<T>(settings: Record<string, string>, fn: (rt: Runtime, overrides: Record<string, string>) => Promise<T>): Promise<T> {
  ensureDevSecrets();
  const stack = await ensureStackUp({ quiet: true });
  const runId = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const database = `pulse_bench_${runId}`;
  const adminDb = new pg.Client({ connectionString: stack.testDatabaseUrl });
  await adminDb.connect();
  await adminDb.query(`CREATE DATABASE ${database}`);
  const url = new URL(stack.testDatabaseUrl);
  url.pathname = `/${database}`;
  const overrides = { DATABASE_URL: url.toString(), TOPIC_PREFIX: `bench-${runId}.`, RETENTION_JOB_INTERVAL_MINUTES: '0', ...settings };
  const config = loadConfig(undefined, overrides);
  const rt = createRuntime(config, 'pulse-bench');
  try {
    await prepare(rt);
    return await fn(rt, overrides);
  } finally {
    await rt.kafka.deleteTopics(topicSpecs(config).map((s) => s.name)).catch(() => undefined);
    await rt.close();
    await adminDb.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await adminDb.end();
  }
}
