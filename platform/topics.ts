// Topic names and settings. Integration topics are keyed by integrationId so one
// integration's events stay in order on one partition, and workers/projectors scale by
// partition; audit.events is keyed by actor (one admin's actions stay in order), alerts.events
// by alertId (one alert's life stays in order), config.events by entity id.
import type { Config } from './config.js';
import type { TopicSpec } from './kafka.js';
import type { SchemaName } from '../schemas/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const topicCatalog = {
  /** Integration lifecycle; kept forever because workers rebuild their schedule from it. */
  lifecycle: { name: 'integrations.lifecycle', schema: 'IntegrationLifecycleEvent', retentionMs: -1 },
  /** HealthChecked facts; kept long enough (CHECKS_TOPIC_RETENTION_DAYS) to rebuild every rollup. */
  checks: { name: 'health.checks', schema: 'HealthChecked', retentionMs: (c: Config) => c.retention.checksTopicDays * DAY_MS },
  /** Commands for check workers (CheckRequested); short-lived, co-partitioned with lifecycle. */
  commands: { name: 'health.commands', schema: 'CheckRequested', retentionMs: 7 * DAY_MS },
  /** AdminActionPerformed, keyed by actor; the audit trail is kept forever. */
  audit: { name: 'audit.events', schema: 'AdminActionPerformed', retentionMs: -1 },
  /** Alert transitions, acknowledgements and deliveries, keyed by alertId; kept forever (alert history). */
  alerts: { name: 'alerts.events', schema: 'AlertEvent', retentionMs: -1 },
  /** Alerting configuration (rules, webhooks, suppressions), keyed by entity id; kept forever: the evaluator rebuilds its rules from it. */
  config: { name: 'config.events', schema: 'ConfigEvent', retentionMs: -1 },
  /** The alert evaluator's clock (EvaluatorTicked); one partition, so time has one order. */
  clock: { name: 'alerts.clock', schema: 'EvaluatorTicked', retentionMs: 7 * DAY_MS, partitions: 1 },
} as const satisfies Record<string, { name: string; schema: SchemaName; retentionMs: number | ((c: Config) => number); partitions?: number }>;

export type TopicKey = keyof typeof topicCatalog;

export interface Topics {
  lifecycle: string;
  checks: string;
  commands: string;
  audit: string;
  alerts: string;
  config: string;
  clock: string;
  dlq(topic: string): string;
  /** Consumer group id; prefixed like the topics so separate deployments never share a group. */
  group(name: string): string;
  /** Registry subject of a topic's value schema (TopicNameStrategy). */
  subject(topic: string): string;
}

export function topicsFor(config: Config): Topics {
  const p = config.kafka.topicPrefix;
  return {
    lifecycle: p + topicCatalog.lifecycle.name,
    checks: p + topicCatalog.checks.name,
    commands: p + topicCatalog.commands.name,
    audit: p + topicCatalog.audit.name,
    alerts: p + topicCatalog.alerts.name,
    config: p + topicCatalog.config.name,
    clock: p + topicCatalog.clock.name,
    dlq: (topic) => `${topic}.dlq`,
    group: (name) => p + name,
    subject: (topic) => `${topic}-value`,
  };
}

export function topicSpecs(config: Config): TopicSpec[] {
  const topics = topicsFor(config);
  const specs: TopicSpec[] = [];
  for (const key of Object.keys(topicCatalog) as TopicKey[]) {
    const name = topics[key];
    const entry: { retentionMs: number | ((c: Config) => number); partitions?: number } = topicCatalog[key];
    const r = entry.retentionMs;
    const retentionMs = typeof r === 'function' ? r(config) : r;
    const base = {
      'cleanup.policy': 'delete',
      'min.insync.replicas': String(config.kafka.minInsyncReplicas),
      // Record time is the broker's clock: a producer with a skewed clock cannot stamp the
      // future (the alert evaluator bounds event times by it; see alerting/eventMapping.ts).
      'message.timestamp.type': 'LogAppendTime',
    };
    const replicationFactor = config.kafka.replicationFactor;
    specs.push({ name, partitions: entry.partitions ?? config.kafka.partitions, replicationFactor, config: { ...base, 'retention.ms': String(retentionMs) } });
    specs.push({ name: topics.dlq(name), partitions: 1, replicationFactor, config: { ...base, 'retention.ms': String(30 * DAY_MS) } });
  }
  return specs;
}
