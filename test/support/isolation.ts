// An environment of a suite's own, for suites that change global state: alert rules and
// provider incidents (seen by every evaluator reading the same topics), retention on the
// current month, a rebuild of a whole projection. It gets its own database and topic prefix
// (hence its own consumer groups and evaluator), prepared like the run's; the rest of the run's
// settings (secrets, stack addresses) are shared. Pass `overrides` to startPulse/loadConfig.
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../platform/config.js';
import { createRuntime, prepare } from '../../platform/runtime.js';
import { topicSpecs } from '../../platform/topics.js';
import { asPostgresAdmin, testRun } from './hooks.js';

export interface OwnEnvironment {
  overrides: Record<string, string>;
  config(): Config;
  /** Deletes the topics and the database (best effort; call once everything using them has stopped). */
  drop(): Promise<void>;
}

export async function ownEnvironment(label: string, settings: Record<string, string> = {}): Promise<OwnEnvironment> {
  if (!testRun.stackUp) throw new Error('ownEnvironment() needs the stack: put the suite under test/integration, test/faults or test/e2e');
  const slug = `${label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 20)}_${randomBytes(2).toString('hex')}`;
  const database = `pulse_test_${testRun.id}_${slug}`;
  await asPostgresAdmin((c) => c.query(`CREATE DATABASE ${database}`).then(() => undefined));
  const url = new URL(testRun.adminUrl);
  url.pathname = `/${database}`;
  const overrides = { ...settings, DATABASE_URL: url.toString(), TOPIC_PREFIX: `test-${testRun.id}-${slug}.` };
  const config = () => loadConfig(undefined, overrides);
  const rt = createRuntime(config(), `test-setup-${slug}`);
  try {
    await prepare(rt);
  } finally {
    await rt.close();
  }
  return {
    overrides,
    config,
    async drop() {
      const teardown = createRuntime(config(), `test-teardown-${slug}`);
      try {
        await teardown.kafka.deleteTopics(topicSpecs(config()).map((t) => t.name));
      } catch {
        /* leftovers are harmless */
      } finally {
        await teardown.close();
      }
      await asPostgresAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).then(() => undefined)).catch(() => undefined);
    },
  };
}
