import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { loadConfig, projectRoot } from '../../platform/config.js';
import { createRuntime, type Runtime } from '../../platform/runtime.js';
import { aCheck, aFailedCheck } from '../support/checks.js';
import { eventually } from '../support/pulse.js';
import { readTopic } from '../support/topicReader.js';

const cli = path.join(projectRoot, 'cli', 'main.ts');

function startProjectorProcess(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', cli, 'projector', 'integration_health', 'health_history'], {
    cwd: projectRoot, env: process.env, stdio: ['ignore', process.env.CRASH_TEST_LOGS ? 'inherit' : 'ignore', 'inherit'],
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('projector crash safety (SIGKILL while events flow)', function () {
  this.timeout(240_000);
  let rt: Runtime;
  let child: ChildProcess | undefined;

  before(() => { rt = createRuntime(loadConfig(), 'crash-test'); });
  after(async () => {
    child?.kill('SIGKILL');
    await rt.close();
  });

  it('applies every HealthChecked exactly once across repeated kills and restarts', async () => {
    const integrations: string[] = Array.from({ length: 24 }, () => randomUUID());
    const producer = await rt.kafka.producer();
    let produced = 0;
    let producing = true;
    const flow = (async () => {
      // ~40 events every 25 ms spread over all integrations, until told to stop.
      for (let round = 0; producing || round < 100; round++) {
        const batch = await Promise.all(Array.from({ length: 40 }, (_, i) => {
          const integrationId = integrations[(round * 40 + i) % integrations.length] as string;
          const startedAt = Date.now() - 1_000 + i;
          const event = i % 5 === 0 ? aFailedCheck('timeout', { integrationId, startedAt }) : aCheck({ integrationId, startedAt });
          return rt.codec.encode(event);
        }));
        await producer.send(rt.topics.checks, batch);
        produced += batch.length;
        await sleep(25);
        if (round >= 100 && !producing) break;
      }
    })();

    for (let kill = 0; kill < 4; kill++) {
      child = startProjectorProcess();
      let exited: number | null | undefined;
      child.once('exit', (code) => (exited = code));
      // Let it join and apply a few batches, then kill it without warning at a random moment.
      await eventually(async () => {
        if (exited !== undefined) throw new Error(`the projector process exited by itself (code ${exited})`);
        const { rows } = await rt.db.query('SELECT coalesce(sum(check_count), 0)::bigint AS n FROM integration_health_checks WHERE integration_id = ANY($1)', [integrations]);
        return Number(rows[0].n) > kill * 200;
      }, `projector progress before kill ${kill + 1}`, 60_000);
      await sleep(Math.random() * 400);
      child.kill('SIGKILL');
      await new Promise((r) => child?.once('exit', r));
    }
    producing = false;
    await flow;
    await producer.close();

    child = startProjectorProcess();
    const onTopic = new Map<string, number>();
    for (const r of await readTopic(rt.config, rt.topics.checks)) {
      if (r.key && integrations.includes(r.key)) onTopic.set(r.key, (onTopic.get(r.key) ?? 0) + 1);
    }
    expect([...onTopic.values()].reduce((a, b) => a + b, 0)).to.equal(produced);

    let total = 0;
    const counts = await eventually(async () => {
      const { rows } = await rt.db.query('SELECT integration_id, check_count FROM integration_health_checks WHERE integration_id = ANY($1)', [integrations]);
      total = rows.reduce((a, r) => a + Number(r.check_count), 0);
      return total >= produced && new Map(rows.map((r) => [r.integration_id as string, Number(r.check_count)]));
    }, 'projector catching up', 90_000, 250).catch((err) => {
      throw new Error(`${err.message}: ${total} of ${produced} events applied`);
    });
    await sleep(1_000); // anything applied twice would show up now
    const { rows } = await rt.db.query('SELECT integration_id, check_count FROM integration_health_checks WHERE integration_id = ANY($1)', [integrations]);
    const final = new Map(rows.map((r) => [r.integration_id as string, Number(r.check_count)]));
    expect(final).to.deep.equal(counts);
    expect(final).to.deep.equal(onTopic);

    // History and rollups, projected by their own consumer in the same process, agree too.
    const perIntegration = async (sql: string) => {
      const r = await rt.db.query(sql, [integrations]);
      return new Map(r.rows.map((x) => [x.integration_id as string, Number(x.n)]));
    };
    await eventually(async () => {
      const h = await perIntegration('SELECT integration_id, count(*) AS n FROM integration_health_history WHERE integration_id = ANY($1) GROUP BY 1');
      return [...h.values()].reduce((a, b) => a + b, 0) >= produced;
    }, 'history catching up', 60_000, 250);
    await sleep(1_000);
    expect(await perIntegration('SELECT integration_id, count(*) AS n FROM integration_health_history WHERE integration_id = ANY($1) GROUP BY 1')).to.deep.equal(onTopic);
    for (const g of ['hour', 'month']) {
      expect(await perIntegration(`SELECT integration_id, sum(checks) AS n FROM health_rollups_integration WHERE integration_id = ANY($1) AND granularity = '${g}' GROUP BY 1`), g).to.deep.equal(onTopic);
    }
    child.kill('SIGTERM');
  });
});
