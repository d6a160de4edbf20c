import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { aCheck } from '../support/checks.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { readTopic } from '../support/topicReader.js';

describe('dead letters', function () {
  this.timeout(60_000);
  let pulse: RunningPulse;

  before(async () => { pulse = await startPulse({ roles: ['projectors'] }); });
  after(async () => pulse?.stop());

  it('sends undecodable records to <topic>.dlq with the reason and keeps projecting', async () => {
    const { rt } = pulse;
    const integrationId = randomUUID();
    const producer = await rt.kafka.producer();
    const unknownSchemaId = Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 1, 2, 3]);
    await producer.send(rt.topics.checks, [
      { key: integrationId, value: Buffer.from('{"not":"avro"}') },
      { key: integrationId, value: unknownSchemaId },
      await rt.codec.encode(aCheck({ integrationId })),
    ]);
    await producer.close();

    await eventually(async () => {
      const { rows } = await rt.db.query('SELECT check_count FROM integration_health_checks WHERE integration_id = $1', [integrationId]);
      const history = await rt.db.query('SELECT 1 FROM integration_health_history WHERE integration_id = $1', [integrationId]);
      return rows[0]?.check_count === 1 && history.rowCount === 1;
    }, 'the valid event after the poison ones to be applied by both projections');

    // Every projection reading the topic dead-letters what it could not decode, on its own.
    const all = (await readTopic(rt.config, rt.topics.dlq(rt.topics.checks))).filter((r) => r.key === integrationId);
    expect(new Set(all.map((r) => r.headers['dlq-consumer']))).to.deep.equal(new Set(['integration_health', 'health_history']));
    const dead = all.filter((r) => r.headers['dlq-consumer'] === 'integration_health');
    expect(dead).to.have.length(2);
    for (const d of dead) {
      expect(d.headers['dlq-reason']).to.match(/decode|schema/i);
      expect(d.headers['dlq-source-topic']).to.equal(rt.topics.checks);
      expect(d.headers['dlq-source-offset']).to.match(/^\d+$/);
    }
    expect(dead[0]?.value?.toString()).to.equal('{"not":"avro"}'); // original bytes kept for re-drive
  });
});
