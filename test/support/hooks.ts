// Root hooks for `npm test`: bring the real stack up (Kafka, registry, Postgres — reusing
// what runs), then give this run topics of its own (a fresh TOPIC_PREFIX), a database of its
// own (created here, dropped at the end) and a random JWT secret, so runs never disturb each
// other or the demo. Every test reads its settings through loadConfig().
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureStackUp } from '../../deploy/stack/index.js';
import { loadConfig } from '../../platform/config.js';
import { createRuntime, prepare } from '../../platform/runtime.js';

const runId = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
let adminUrl = '';
const database = `pulse_test_${runId}`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(15 * 60_000); // the first run downloads Kafka and the registry through Maven
    const stack = await ensureStackUp({ quiet: !process.env.CI });
    adminUrl = stack.testDatabaseUrl;
    await admin(`CREATE DATABASE ${database}`);
    const url = new URL(stack.testDatabaseUrl);
    url.pathname = `/${database}`;
    Object.assign(process.env, {
      DATABASE_URL: url.toString(),
      TOPIC_PREFIX: `test-${runId}.`,
      TOPIC_PARTITIONS: '3',
      JWT_SECRET: randomBytes(32).toString('base64url'),
      CREDENTIALS_KEYS: `test1:${randomBytes(32).toString('base64')}`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MIN_CHECK_INTERVAL_SECONDS: '1',
      CHECK_JITTER_RATIO: '0',
      API_PORT: '0',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      RETENTION_JOB_INTERVAL_MINUTES: '0', // tests apply retention themselves, at a fixed instant
    });
    const rt = createRuntime(loadConfig(), 'test-setup');
    try {
      await prepare(rt);
    } finally {
      await rt.close();
    }
  },

  async afterAll() {
    if (adminUrl) await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  },
};
