// A consumer KafkaJS gives up on for good (a crash it will not restart itself) comes back by
// itself, as the restart policy says, and reads again what its runtime had not committed.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { RunningConsumer } from '../../platform/kafka.js';
import { CRASH_PAUSE_MS } from '../../platform/kafka/restartPolicy.js';
import { createRuntime, type Runtime } from '../../platform/runtime.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';

describe('a crashed consumer', function () {
  this.timeout(120_000);
  let env: OwnEnvironment;
  let rt: Runtime;
  let consumer: RunningConsumer | undefined;
  const logLines: { msg: string; groupId?: string; attempt?: number }[] = [];

  before(async () => {
    env = await ownEnvironment('consumer-restart', { LOG_LEVEL: 'error' });
    rt = createRuntime(env.config(), 'consumer-restart-test', { write: (line: string) => void logLines.push(JSON.parse(line)) });
  });
  after(async () => {
    await consumer?.stop();
    await rt?.close();
    await env?.drop();
  });

  it('is recreated after the policy pause and is handed the uncommitted record again', async () => {
    const key = randomUUID();
    const producer = await rt.kafka.producer();
    try {
      await producer.send(rt.topics.checks, [{ key, value: Buffer.from('not an event; this consumer reads raw bytes') }]);
    } finally {
      await producer.close();
    }

    const groupId = `${rt.config.kafka.topicPrefix}restart-test-${randomUUID()}`;
    let deliveries = 0;
    let crashedAt = 0;
    let redelivered!: () => void;
    const secondDelivery = new Promise<void>((resolve) => (redelivered = resolve));
    consumer = await rt.kafka.consume({
      groupId,
      topics: [rt.topics.checks],
      eachBatch: async (batch) => {
        if (!batch.records.some((r) => r.key === key)) return;
        deliveries += 1;
        if (deliveries === 1) {
          crashedAt = Date.now();
          // KafkaJS treats a TypeError from a handler as unrecoverable: it stops the consumer
          // and does not restart it (CRASH with restart=false). Only our policy brings it back.
          throw new TypeError('a handler bug, once');
        }
        redelivered();
      },
    });
    await secondDelivery;

    expect(deliveries).to.equal(2);
    expect(Date.now() - crashedAt, 'not before the pause').to.be.at.least(CRASH_PAUSE_MS);
    const crashes = logLines.filter((l) => l.groupId === groupId && l.msg.startsWith('consumer crashed; recreating it'));
    expect(crashes.map((l) => l.attempt)).to.deep.equal([1]);
  });
});
