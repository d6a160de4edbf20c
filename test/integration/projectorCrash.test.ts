// A projector process SIGKILLed again and again while events flow must neither lose nor
// repeat an event. Each kill lands at a moment the test waited for — a batch fetched and
// decoded, or a batch's rows written with the transaction still open — chosen with a seeded
// random (print KILL_SEED to replay a failure). The suite has its own database and topics:
// killed members linger in their consumer group until the session times out, which must not
// slow down the projectors of other suites.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createRuntime, type Runtime } from '../../platform/runtime.js';
import type { EventProducer } from '../../platform/kafka.js';
import { aCheck, aFailedCheck } from '../support/checks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { kill, seededRandom, startPulseProcess, type PulseProcess } from '../support/processes.js';
import { caughtUp } from '../support/signals.js';
import { readTopic } from '../support/topicReader.js';

const killPoints = ['projector batch in hand', 'projector batch applied, not committed'];
const KILLS = 4;
const ROUND = 40; // events per send

describe('projector crash safety (SIGKILL while events flow)', function () {
  this.timeout(420_000); // five process starts; each takes long on a busy machine
  let env: OwnEnvironment;
  let rt: Runtime;
  let child: PulseProcess | undefined;

  before(async () => {
    env = await ownEnvironment('projector crash');
    rt = createRuntime(env.config(), 'crash-test');
  });
  after(async () => {
    if (child) await kill(child);
    await rt?.close();
    await env?.drop();
  });

  const startProjector = () =>
    startPulseProcess(['projector', 'integration_health', 'health_history'], { ...env.overrides, LOG_LEVEL: 'debug' });

  it('applies every HealthChecked exactly once across repeated kills and restarts', async () => {
    const random = seededRandom();
    const integrations: string[] = Array.from({ length: 24 }, () => randomUUID());
    const producer: EventProducer = await rt.kafka.producer();
    let produced = 0;
    let round = 0;
    const sendRound = async () => {
      const batch = await Promise.all(Array.from({ length: ROUND }, (_, i) => {
        const integrationId = integrations[(round * ROUND + i) % integrations.length] as string;
        const startedAt = Date.now() - 1_000 + i;
        const event = i % 5 === 0 ? aFailedCheck('timeout', { integrationId, startedAt }) : aCheck({ integrationId, startedAt });
        return rt.codec.encode(event);
      }));
      round++;
      await producer.send(rt.topics.checks, batch);
      produced += batch.length;
    };

    const kills: string[] = [];
    try {
      for (let k = 0; k < KILLS; k++) {
        // A backlog, so the new process has batches in hand as soon as it is assigned partitions…
        for (let i = 0; i < 15; i++) await sendRound();
        const point = killPoints[Math.floor(random.next() * killPoints.length)] as string;
        const nth = 1 + Math.floor(random.next() * 3);
        child = startProjector();
        const proc = child;
        // …and more events flowing while it works (back-pressured by the sends, bounded).
        let flowing = true;
        const flow = (async () => {
          for (let i = 0; flowing && i < 60; i++) await sendRound();
        })();
        let seen = 0;
        try {
          await proc.logged((line) => line.msg === point && ++seen === nth, 90_000);
        } finally {
          await kill(proc);
          flowing = false;
          await flow;
        }
        kills.push(`${point} #${nth}`);
      }
    } finally {
      await producer.close();
    }

    child = startProjector();
    const onTopic = new Map<string, number>();
    for (const r of await readTopic(rt.config, rt.topics.checks)) {
      if (r.key && integrations.includes(r.key)) onTopic.set(r.key, (onTopic.get(r.key) ?? 0) + 1);
    }
    const context = `seed ${random.seed}, killed at: ${kills.join(', ')}`;
    expect([...onTopic.values()].reduce((a, b) => a + b, 0), context).to.equal(produced);

    // Once both projections have passed the end of the topic, every event is in — and anything
    // applied twice would be in twice.
    await caughtUp(rt, { projection: 'integration_health' }, [rt.topics.checks], 120_000);
    await caughtUp(rt, { projection: 'health_history' }, [rt.topics.checks], 120_000);
    const perIntegration = async (sql: string) => {
      const r = await rt.db.query(sql, [integrations]);
      return new Map(r.rows.map((x) => [x.integration_id as string, Number(x.n)]));
    };
    expect(await perIntegration('SELECT integration_id, check_count AS n FROM integration_health_checks WHERE integration_id = ANY($1)'), context).to.deep.equal(onTopic);
    // History and rollups, projected by their own consumer in the same process, agree too.
    expect(await perIntegration('SELECT integration_id, count(*) AS n FROM integration_health_history WHERE integration_id = ANY($1) GROUP BY 1'), context).to.deep.equal(onTopic);
    for (const g of ['hour', 'month']) {
      expect(await perIntegration(`SELECT integration_id, sum(checks) AS n FROM health_rollups_integration WHERE integration_id = ANY($1) AND granularity = '${g}' GROUP BY 1`), `${g}, ${context}`).to.deep.equal(onTopic);
    }
    await kill(child, 'SIGTERM');
    child = undefined;
  });
});
