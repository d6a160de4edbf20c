// Root hooks for every mocha run. When a loaded file needs the stack (test/projections,
// test/integration, test/faults, test/e2e), bring the real stack up (Kafka, registry,
// Postgres — reusing what runs) and give this run topics of its own (a fresh TOPIC_PREFIX), a
// database of its own (migrated) and random secrets, so runs never disturb each other or the
// demo. Suites that change global state take their own environment on top of that (see
// isolation.ts). Unit and component runs touch nothing. Databases of runs older than a day
// are dropped at the start of the next run — not at the end of this one, where a pool still
// closing would be cut off.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureStackUp } from '../../deploy/stack/index.js';
import { loadConfig } from '../../platform/config.js';
import { createRuntime, prepare } from '../../platform/runtime.js';
import { topicSpecs } from '../../platform/topics.js';
import { stopFaultWorld } from '../faults/support/world.js';

/** This run: its id (in database and topic names) and a Postgres URL with rights to create databases. */
export const testRun = {
  id: `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`,
  adminUrl: '',
  stackUp: false,
};
const DAY_MS = 86_400_000;
const database = `pulse_test_${testRun.id}`;

export async function asPostgresAdmin<T = void>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testRun.adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropOldRunDatabases(client: pg.Client): Promise<void> {
  const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'pulse_test\\_%'`);
  for (const { datname } of rows as { datname: string }[]) {
    const started = parseInt(/^pulse_test_([0-9a-z]+)_/.exec(datname)?.[1] ?? '', 36);
    if (Number.isFinite(started) && Date.now() - started > DAY_MS) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}

/**
 * Whether any loaded test file is of a tier that runs against the stack (faults: for the
 * registry's storage and suites on the single broker; projections: for the migrated database).
 */
function needsStack(suite: Mocha.Suite): boolean {
  if (suite.file && /[/\\]test[/\\](projections|integration|faults|e2e)[/\\]/.test(suite.file)) return true;
  return suite.suites.some(needsStack);
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    const root = this.test?.parent;
    if (!root || !needsStack(root)) return;
    this.timeout(15 * 60_000); // the first run downloads Kafka and the registry through Maven
    const stack = await ensureStackUp({ quiet: !process.env.CI });
    testRun.adminUrl = stack.testDatabaseUrl;
    testRun.stackUp = true;
    await asPostgresAdmin(async (c) => {
      await dropOldRunDatabases(c);
      await c.query(`CREATE DATABASE ${database}`);
    });
    const url = new URL(stack.testDatabaseUrl);
    url.pathname = `/${database}`;
    Object.assign(process.env, {
      DATABASE_URL: url.toString(),
      TOPIC_PREFIX: `test-${testRun.id}.`,
      TOPIC_PARTITIONS: '3',
      JWT_SECRET: randomBytes(32).toString('base64url'),
      CREDENTIALS_KEYS: `test1:${randomBytes(32).toString('base64')}`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MIN_CHECK_INTERVAL_SECONDS: '1',
      CHECK_JITTER_RATIO: '0',
      API_PORT: '0',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      RETENTION_JOB_INTERVAL_MINUTES: '0', // tests apply retention themselves, at a fixed instant
      // Suites poll the API as fast as they like; the request-rate tests set low limits of their own.
      USER_REQUESTS_PER_MINUTE: '1000000',
      ADMIN_REQUESTS_PER_MINUTE: '1000000',
    });
    const rt = createRuntime(loadConfig(), 'test-setup');
    try {
      await prepare(rt);
    } finally {
      await rt.close();
    }
  },

  // Best effort: a run's topics are of no use afterwards, and thousands of leftover
  // partitions make a restarted broker slow to become ready.
  async afterAll() {
    await stopFaultWorld();
    if (!testRun.stackUp) return;
    const config = loadConfig();
    const rt = createRuntime(config, 'test-teardown');
    try {
      await rt.kafka.deleteTopics(topicSpecs(config).map((t) => t.name));
    } catch {
      /* leftovers are harmless */
    } finally {
      await rt.close();
    }
  },
};
