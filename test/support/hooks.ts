// Root hooks for `npm test`: bring the real stack up (Kafka, registry, Postgres — reusing
// what runs), then give this run its own topics (a fresh TOPIC_PREFIX), a freshly reset
// test database and a random JWT secret. Every test reads its settings through loadConfig().
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureStackUp } from '../../deploy/stack/index.js';
import { loadConfig } from '../../platform/config.js';
import { createRuntime, prepare } from '../../platform/runtime.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(15 * 60_000); // the first run downloads Kafka and the registry through Maven
    const stack = await ensureStackUp({ quiet: !process.env.CI });
    Object.assign(process.env, {
      DATABASE_URL: stack.testDatabaseUrl,
      TOPIC_PREFIX: `test-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}.`,
      TOPIC_PARTITIONS: '3',
      JWT_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MIN_CHECK_INTERVAL_SECONDS: '1',
      CHECK_JITTER_RATIO: '0',
      API_PORT: '0',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    });
    const reset = new pg.Client({ connectionString: stack.testDatabaseUrl });
    await reset.connect();
    await reset.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await reset.end();
    const rt = createRuntime(loadConfig(), 'test-setup');
    try {
      await prepare(rt);
    } finally {
      await rt.close();
    }
  },
};
