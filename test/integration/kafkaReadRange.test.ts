// kafka.readRange on a transactional topic, where a partition ends with a commit marker that
// no consumer ever sees as a record (caughtUp and the dead-letter admin rely on it).
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createRuntime, type Runtime } from '../../platform/runtime.js';
import { aCheck } from '../support/checks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';

describe('reading a range of a transactional topic', function () {
  this.timeout(120_000);
  let env: OwnEnvironment;
  let rt: Runtime;

  // Topics of its own: nobody else's record or transaction lands between ours and its marker.
  before(async () => {
    env = await ownEnvironment('read-range');
    rt = createRuntime(env.config(), 'read-range-test');
  });
  after(async () => {
    await rt?.close();
    await env?.drop();
  });

  it('returns the committed record, and nothing (promptly, no timeout) for a range holding only its commit marker', async () => {
    const key = randomUUID();
    const producer = await rt.kafka.transactionalProducer(`${rt.config.kafka.topicPrefix}read-range-${key}`);
    try {
      await producer.commit([{ topic: rt.topics.checks, records: [await rt.codec.encode(aCheck({ integrationId: key }))] }]);
    } finally {
      await producer.close();
    }
    const partitions = await rt.kafka.partitionOffsets(rt.topics.checks);
    // The record and its marker are the last two offsets of one partition.
    const mine = [];
    for (const p of partitions) {
      if (p.high - p.low < 2n) continue;
      const [record] = await rt.kafka.readRange(rt.topics.checks, p.partition, p.high - 2n, p.high);
      if (record?.key === key) mine.push({ p, record });
    }
    expect(mine, 'the record, followed by its commit marker').to.have.length(1);
    const { p } = mine[0]!;
    expect(await rt.kafka.readRange(rt.topics.checks, p.partition, p.high - 1n, p.high)).to.deep.equal([]);
  });
});
