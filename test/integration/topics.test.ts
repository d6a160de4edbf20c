import { expect } from 'chai';
import kafkajs from 'kafkajs';

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;
import { loadConfig } from '../../platform/config.js';
import { createRuntime } from '../../platform/runtime.js';
import { topicSpecs, topicsFor } from '../../platform/topics.js';

describe('topics', () => {
  async function retentionOf(topic: string): Promise<string | undefined> {
    const kafka = new Kafka({ brokers: loadConfig().kafka.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }] });
      return d.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue;
    } finally {
      await admin.disconnect();
    }
  }

  it('keeps health.checks for CHECKS_TOPIC_RETENTION_DAYS, and applies a changed value to the existing topic', async () => {
    const checks = topicsFor(loadConfig()).checks;
    expect(await retentionOf(checks)).to.equal(String(400 * 86_400_000));
    const changed = loadConfig({ ...process.env, CHECKS_TOPIC_RETENTION_DAYS: '420' });
    const rt = createRuntime(changed, 'topics-test');
    try {
      await rt.kafka.ensureTopics(topicSpecs(changed));
      expect(await retentionOf(checks)).to.equal(String(420 * 86_400_000));
      await rt.kafka.ensureTopics(topicSpecs(loadConfig()));
      expect(await retentionOf(checks)).to.equal(String(400 * 86_400_000));
    } finally {
      await rt.close();
    }
  });
});
