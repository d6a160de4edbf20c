// The CLI's side of the admin audit trail: `pulse admin …`, `replay`, `dlq redrive` and
// `credentials rotate` record an AdminActionPerformed on audit.events, exactly as the portal
// does (api/audit.ts), with the operator as actor: `cli:<OS user>@<host>`, source `cli` and
// the command as user agent.
//
// Never silently unaudited: the audit trail is reached (Kafka connected, the topic there, the
// schema registered) BEFORE the action runs, and if it cannot be, nothing is done. If the
// record still fails after the action (Kafka gone in between), the command says so loudly on
// stderr and exits with code 3, so scripts notice.
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { hostname, userInfo } from 'node:os';
import type { AdminActionPerformed } from '../health/events.js';
import type { Config } from '../platform/config.js';
import { createEventCodec } from '../platform/events.js';
import { createKafkaClient, type EventProducer } from '../platform/kafka.js';
import { createLogger } from '../platform/logger.js';
import { topicSpecs, topicsFor } from '../platform/topics.js';
import type { AuditOutcome } from '../api/audit.js';

/** Exit code of a command whose action happened but could not be recorded. */
export const unauditedExitCode = 3;

export class AuditUnavailable extends Error {}

/** `cli:<OS user>@<host>`: who ran the command, where. */
export function cliActor(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): the uid is still an answer.
    user = `uid-${process.getuid?.() ?? 'unknown'}`;
  }
  return `cli:${user}@${hostname()}`;
}

export interface CliAudit {
  record(action: string, target: string | null, outcome: AuditOutcome): Promise<void>;
  close(): Promise<void>;
}

/** Opens the audit trail, or throws AuditUnavailable (then the caller must not act). */
export async function openCliAudit(config: Config, command: string): Promise<CliAudit> {
  // Kafka's own complaints while connecting would bury the one line that matters.
  const log = createLogger({ level: 'silent', name: 'pulse-cli-audit' });
  const topics = topicsFor(config);
  const kafka = createKafkaClient(config, log);
  const codec = createEventCodec(config.schemaRegistryUrl, topics);
  const actor = cliActor();
  const event = (action: string, target: string | null, outcome: AuditOutcome): AdminActionPerformed => ({
    type: 'AdminActionPerformed', eventId: randomUUID(), actor, action, target: target === null ? null : target.slice(0, 512), outcome,
    sourceIp: 'cli', userAgent: `pulse ${command}`.slice(0, 512), occurredAt: Date.now(),
  });
  let producer: EventProducer;
  try {
    await anyBrokerAnswers(config.kafka.brokers); // KafkaJS would retry for a minute first
    producer = await kafka.producer({ patience: 'request' }); // fails within seconds when Kafka is down
    await kafka.ensureTopics(topicSpecs(config).filter((s) => s.name === topics.audit)); // a first command may run before any role
    await codec.encode(event('preflight', null, 'success')); // registers the schema; nothing is sent
  } catch (err) {
    await kafka.close().catch(() => undefined);
    throw new AuditUnavailable(`the audit trail (Kafka topic ${topics.audit}) cannot be reached, so nothing was done: ${(err as Error)?.message ?? err}`);
  }
  return {
    async record(action, target, outcome) {
      await producer.send(topics.audit, [await codec.encode(event(action, target, outcome))]);
    },
    async close() {
      await kafka.close();
    },
  };
}

/** Resolves once a TCP connection to one of the brokers opens; rejects after `timeoutMs` or when every one refuses. */
function anyBrokerAnswers(brokers: string[], timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = 0;
    const timer = setTimeout(() => reject(new Error(`no Kafka broker answered within ${timeoutMs / 1000} s`)), timeoutMs);
    for (const broker of brokers) {
      const i = broker.lastIndexOf(':');
      const socket = connect({ host: broker.slice(0, i), port: Number(broker.slice(i + 1)) });
      socket.setTimeout(timeoutMs, () => socket.destroy());
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (++failed === brokers.length) {
          clearTimeout(timer);
          reject(new Error(`no Kafka broker accepts connections (${brokers.join(', ')})`));
        }
      });
    }
  });
}

/**
 * Runs `act` under the audit trail: opened first (refusing to act without it), then the outcome
 * recorded — `success`, or `failure` when `act` throws (the error is rethrown). `target` may
 * depend on the result (e.g. a normalised email).
 */
export async function audited<T>(config: Config, command: string, action: string, target: string | null, act: () => Promise<T>): Promise<T> {
  const trail = await openCliAudit(config, command);
  try {
    let result: T;
    try {
      result = await act();
    } catch (err) {
      await recordLoudly(trail, action, target, 'failure');
      throw err;
    }
    await recordLoudly(trail, action, target, 'success');
    return result;
  } finally {
    await trail.close().catch(() => undefined);
  }
}

async function recordLoudly(trail: CliAudit, action: string, target: string | null, outcome: AuditOutcome): Promise<void> {
  try {
    await trail.record(action, target, outcome);
  } catch (err) {
    process.stderr.write(`pulse: WARNING: ${action} (${outcome}) was done but NOT recorded in the audit trail: ${(err as Error)?.message ?? err}\n`
      + 'pulse: record it by hand and check Kafka.\n');
    process.exitCode = unauditedExitCode;
  }
}
