// Cluster metadata and topic administration: create and tune topics, read partition and
// committed offsets, answer "is Kafka there?". Each call opens and closes its own admin
// connection; these are rare calls, not a hot path.
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import type { Logger } from '../logger.js';
import type { KafkaClient, TopicSpec } from '../kafka.js';

// Not a named export under Node's ESM loader (kafkajs is CommonJS).
const { ConfigResourceTypes } = kafkajs;

export type KafkaAdmin = Pick<KafkaClient, 'ensureTopics' | 'deleteTopics' | 'ping' | 'partitionOffsets' | 'committedOffsets'>;

export function kafkaAdmin(kafka: Kafka, log: Logger): KafkaAdmin {
  const withAdmin = async <T>(use: (admin: Admin) => Promise<T>): Promise<T> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  };

  return {
    async ensureTopics(specs) {
      // A broker that has just started may still be loading partitions and answer "does not
      // host this topic-partition" for a while: that is worth waiting out, not failing on.
      for (let attempt = 1; ; attempt++) {
        try {
          return await withAdmin((admin) => ensureTopicsOnce(admin, specs, log));
        } catch (err) {
          const e = err as { retriable?: boolean; type?: string };
          if (attempt >= 15 || !(e.retriable || e.type === 'UNKNOWN_TOPIC_OR_PARTITION')) throw err;
          log.warn({ attempt, err: { message: (err as Error).message } }, 'Kafka not ready to create topics yet; retrying');
          await new Promise((r) => setTimeout(r, 2_000));
        }
      }
    },

    deleteTopics: (names) => withAdmin((admin) => admin.deleteTopics({ topics: names })),

    async ping(timeoutMs) {
      const admin = kafka.admin({ retry: { retries: 0 } });
      const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
      const answer = (async () => {
        await admin.connect();
        return (await admin.describeCluster()).brokers.length > 0;
      })().catch(() => false);
      try {
        return await Promise.race([answer, timer]);
      } finally {
        void admin.disconnect().catch(() => undefined);
      }
    },

    partitionOffsets: (topic) => withAdmin(async (admin) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }));
    }),

    committedOffsets: (groupId, topics) => withAdmin(async (admin) => {
      const res = await admin.fetchOffsets({ groupId, topics });
      return res.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) >= 0 ? BigInt(p.offset) : null })));
    }),
  };
}

async function ensureTopicsOnce(admin: Admin, specs: TopicSpec[], log: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({ topic: s.name, numPartitions: s.partitions, replicationFactor: s.replicationFactor, configEntries: configEntries(s) })),
    });
  }
  // Settings (e.g. retention) changed since a topic was created are applied to it.
  const present = specs.filter((s) => existing.has(s.name));
  if (!present.length) return;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.name, configNames: Object.keys(s.config) })),
  });
  const drifted = present.filter((s) => {
    const actual = described.resources.find((r) => r.resourceName === s.name)?.configEntries ?? [];
    return Object.entries(s.config).some(([k, v]) => actual.find((e) => e.configName === k)?.configValue !== v);
  });
  if (!drifted.length) return;
  await admin.alterConfigs({
    validateOnly: false,
    resources: drifted.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.name, configEntries: configEntries(s) })),
  });
  log.info({ topics: drifted.map((s) => s.name) }, 'topic settings updated');
}

function configEntries(spec: TopicSpec): { name: string; value: string }[] {
  return Object.entries(spec.config).map(([name, value]) => ({ name, value }));
}
