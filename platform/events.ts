// The one place that turns domain events (health/events.ts) into Avro records and back:
// the registry, schema ids, resolvers and the wire's unions stay here.
import { DependencyUnavailable } from './unavailable.js';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import type * as Wire from '../schemas/types.generated.js';
import { isAlertEvent, isConfigEvent, type AlertEvent, type ConfigEvent, type LifecycleEvent, type PulseEvent } from '../health/events.js';
import { schemas, type AvroSchema, type SchemaName } from '../schemas/index.js';
import type { IncomingRecord, OutgoingRecord } from './kafka.js';
import type { Topics } from './topics.js';

const ns = 'pulse.integrations.';

/** A record that can never be decoded into a known event (poison): send it to the DLQ. */
export class UndecodableRecord extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndecodableRecord';
  }
}

function lifecycleToWire(e: LifecycleEvent): Wire.IntegrationLifecycleEvent {
  const meta = { eventId: e.eventId, integrationId: e.integrationId, userId: e.userId, occurredAt: e.occurredAt };
  switch (e.type) {
    case 'IntegrationConnected':
      return { ...meta, payload: { [`${ns}IntegrationConnected`]: { provider: e.provider, displayName: e.displayName, checkIntervalSeconds: e.checkIntervalSeconds, config: JSON.stringify(e.config) } } as Wire.IntegrationLifecycleEvent['payload'] };
    case 'IntegrationUpdated':
      return { ...meta, payload: { [`${ns}IntegrationUpdated`]: { displayName: e.displayName, checkIntervalSeconds: e.checkIntervalSeconds, config: e.config === null ? null : JSON.stringify(e.config) } } as Wire.IntegrationLifecycleEvent['payload'] };
    case 'IntegrationDisconnected':
      return { ...meta, payload: { [`${ns}IntegrationDisconnected`]: { reason: e.reason } } as Wire.IntegrationLifecycleEvent['payload'] };
    case 'CredentialsRefreshed':
      return { ...meta, payload: { [`${ns}CredentialsRefreshed`]: { expiresAt: e.expiresAt, scopes: e.scopes, trigger: e.trigger } } as Wire.IntegrationLifecycleEvent['payload'] };
    case 'ReauthRequired':
      return { ...meta, payload: { [`${ns}ReauthRequired`]: { reason: e.reason, detail: e.detail } } as Wire.IntegrationLifecycleEvent['payload'] };
    case 'ReauthCompleted':
      return { ...meta, payload: { [`${ns}ReauthCompleted`]: { scopes: e.scopes } } as Wire.IntegrationLifecycleEvent['payload'] };
  }
}

function lifecycleFromWire(w: Wire.IntegrationLifecycleEvent): LifecycleEvent {
  const meta = { eventId: w.eventId, integrationId: w.integrationId, userId: w.userId, occurredAt: w.occurredAt };
  const [branch, body] = Object.entries(w.payload)[0] as [string, unknown];
  switch (branch) {
    case `${ns}IntegrationConnected`: {
      const b = body as Wire.IntegrationConnected;
      return { ...meta, type: 'IntegrationConnected', provider: b.provider, displayName: b.displayName, checkIntervalSeconds: b.checkIntervalSeconds, config: parseConfig(b.config) };
    }
    case `${ns}IntegrationUpdated`: {
      const b = body as Wire.IntegrationUpdated;
      return { ...meta, type: 'IntegrationUpdated', displayName: b.displayName, checkIntervalSeconds: b.checkIntervalSeconds, config: b.config === null ? null : parseConfig(b.config) };
    }
    case `${ns}IntegrationDisconnected`:
      return { ...meta, type: 'IntegrationDisconnected', reason: (body as Wire.IntegrationDisconnected).reason };
    case `${ns}CredentialsRefreshed`:
      return { ...meta, type: 'CredentialsRefreshed', ...(body as Wire.CredentialsRefreshed) };
    case `${ns}ReauthRequired`:
      return { ...meta, type: 'ReauthRequired', ...(body as Wire.ReauthRequired) };
    case `${ns}ReauthCompleted`:
      return { ...meta, type: 'ReauthCompleted', ...(body as Wire.ReauthCompleted) };
    default:
      throw new UndecodableRecord(`unknown lifecycle event ${branch}`);
  }
}

function parseConfig(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new UndecodableRecord('config is not a JSON object');
}

/**
 * Envelope events (alerts, config) carry their event as a one-branch Avro union in
 * `payload`: the branch name is the event type, its fields are the event's own.
 */
function toEnvelope<M extends string>(event: { type: string } & Record<string, unknown>, metaKeys: readonly M[], namespace: string) {
  const meta: Record<string, unknown> = {};
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (k === 'type') continue;
    if ((metaKeys as readonly string[]).includes(k)) meta[k] = v;
    else body[k] = v;
  }
  return { ...meta, payload: { [`${namespace}.${event.type}`]: body } };
}

function fromEnvelope(wire: { payload: object } & Record<string, unknown>, namespace: string): Record<string, unknown> & { type: string } {
  const { payload, ...meta } = wire;
  const [branch, body] = Object.entries(payload)[0] as [string, Record<string, unknown>];
  if (!branch.startsWith(`${namespace}.`)) throw new UndecodableRecord(`unknown event ${branch}`);
  return { ...meta, type: branch.slice(namespace.length + 1), ...body };
}

const alertMeta = ['eventId', 'alertId', 'occurredAt'] as const;
const configMeta = ['eventId', 'entityId', 'actor', 'occurredAt'] as const;

export interface EventCodec {
  /** Registers every value schema under `<topic>-value` with BACKWARD compatibility. */
  registerSchemas(): Promise<void>;
  encode(event: PulseEvent): Promise<OutgoingRecord>;
  decode(record: IncomingRecord): Promise<PulseEvent>;
}

export function createEventCodec(registryUrl: string, topics: Topics): EventCodec {
  const registry = new SchemaRegistry({ host: registryUrl });
  const topicSchema: Record<string, SchemaName> = {
    [topics.lifecycle]: 'IntegrationLifecycleEvent',
    [topics.checks]: 'HealthChecked',
    [topics.commands]: 'CheckRequested',
    [topics.audit]: 'AdminActionPerformed',
    [topics.alerts]: 'AlertEvent',
    [topics.config]: 'ConfigEvent',
    [topics.clock]: 'EvaluatorTicked',
  };
  const ids = new Map<SchemaName, Promise<number>>();
  // Decoding resolves the writer's schema (by id) into ours; building a resolver is costly,
  // so there is one per (our schema, writer schema id), made on first sight.
  const readers = Object.fromEntries(Object.entries(schemas).map(([n, s]) => [n, avro.Type.forSchema(s as avro.Schema)])) as Record<SchemaName, avro.Type>;
  const resolvers = new Map<string, Promise<avro.Resolver>>();
  const resolverFor = (name: SchemaName, writerId: number) => {
    const key = `${name}:${writerId}`;
    let r = resolvers.get(key);
    if (!r) {
      r = registry.getSchema(writerId).then((writer) => readers[name].createResolver(writer as unknown as avro.Type));
      r.catch(() => resolvers.delete(key));
      resolvers.set(key, r);
    }
    return r;
  };

  const idFor = (name: SchemaName, topic: string) => {
    let id = ids.get(name);
    if (!id) {
      id = registerSubject(registry, registryUrl, topics.subject(topic), schemas[name]).catch((err: unknown) => {
        throw isRegistryUnavailable(err) ? new DependencyUnavailable('registry', err) : err;
      });
      id.catch(() => ids.delete(name));
      ids.set(name, id);
    }
    return id;
  };

  return {
    async registerSchemas() {
      for (const [topic, name] of Object.entries(topicSchema)) await idFor(name, topic);
    },

    async encode(event) {
      if (event.type === 'CheckRequested') {
        const { type: _type, ...wire } = event;
        const id = await idFor('CheckRequested', topics.commands);
        return { key: event.integrationId, value: await registry.encode(id, wire), headers: { 'event-type': event.type } };
      }
      if (event.type === 'AdminActionPerformed') {
        const { type: _type, ...wire } = event;
        const id = await idFor('AdminActionPerformed', topics.audit);
        return { key: event.actor, value: await registry.encode(id, wire), headers: { 'event-type': event.type } };
      }
      if (event.type === 'HealthChecked') {
        const { type: _type, ...wire } = event;
        const id = await idFor('HealthChecked', topics.checks);
        return { key: event.integrationId, value: await registry.encode(id, wire), headers: { 'event-type': event.type } };
      }
      if (isAlertEvent(event)) {
        const e = event;
        const id = await idFor('AlertEvent', topics.alerts);
        return { key: e.alertId, value: await registry.encode(id, toEnvelope(e as never, alertMeta, 'pulse.alerts')), headers: { 'event-type': e.type } };
      }
      if (isConfigEvent(event)) {
        const e = event;
        const id = await idFor('ConfigEvent', topics.config);
        return { key: e.entityId, value: await registry.encode(id, toEnvelope(e as never, configMeta, 'pulse.config')), headers: { 'event-type': e.type } };
      }
      if (event.type === 'EvaluatorTicked') {
        const { type: _type, ...wire } = event;
        const id = await idFor('EvaluatorTicked', topics.clock);
        return { key: 'clock', value: await registry.encode(id, wire), headers: { 'event-type': event.type } };
      }
      const id = await idFor('IntegrationLifecycleEvent', topics.lifecycle);
      return { key: event.integrationId, value: await registry.encode(id, lifecycleToWire(event)), headers: { 'event-type': event.type } };
    },

    async decode(record) {
      const name = topicSchema[record.topic];
      if (!name) throw new UndecodableRecord(`no schema for topic ${record.topic}`);
      if (!record.value) throw new UndecodableRecord('record has no value');
      const value = record.value;
      // Confluent wire format: magic byte 0, schema id (int32 big-endian), Avro body.
      if (value.length < 5 || value[0] !== 0) throw new UndecodableRecord('not in the schema registry wire format (magic byte 0)');
      let wire: unknown;
      try {
        const resolver = await resolverFor(name, value.readInt32BE(1));
        // Old events gain new fields' defaults. avsc yields class instances; the rest of the
        // code (and deep equality) wants plain data.
        wire = structuredClone(readers[name].fromBuffer(value.subarray(5), resolver));
      } catch (err) {
        if (isRegistryUnavailable(err)) throw new DependencyUnavailable('registry', err); // not the record's fault: retry later
        throw new UndecodableRecord(`cannot decode Avro value: ${(err as Error).message}`);
      }
      if (name === 'HealthChecked') return { type: 'HealthChecked', ...(wire as Wire.HealthChecked) };
      if (name === 'CheckRequested') return { type: 'CheckRequested', ...(wire as Wire.CheckRequested) };
      if (name === 'AdminActionPerformed') return { type: 'AdminActionPerformed', ...(wire as Wire.AdminActionPerformed) };
      if (name === 'AlertEvent') return fromEnvelope(wire as Wire.AlertEvent & Record<string, unknown>, 'pulse.alerts') as unknown as AlertEvent;
      if (name === 'ConfigEvent') return fromEnvelope(wire as Wire.ConfigEvent & Record<string, unknown>, 'pulse.config') as unknown as ConfigEvent;
      if (name === 'EvaluatorTicked') return { type: 'EvaluatorTicked', ...(wire as Wire.EvaluatorTicked) };
      return lifecycleFromWire(wire as Wire.IntegrationLifecycleEvent);
    },
  };
}

/** Network failures as the registry client reports them (it wraps a refused connection as "status 400: connect ECONNREFUSED"). */
const NETWORK_FAILURE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|EPIPE|socket hang up|fetch failed|timed? ?out/i;

/** The registry did not answer (as opposed to answering that a schema is unknown or incompatible). */
export function isRegistryUnavailable(err: unknown): boolean {
  if (err instanceof DependencyUnavailable) return err.dependency === 'registry';
  const e = err as { code?: string; status?: number; message?: string; cause?: { code?: string; message?: string } };
  if (typeof e?.status === 'number' && (e.status >= 500 || e.status === 429)) return true;
  return NETWORK_FAILURE.test([e?.code, e?.message, e?.cause?.code, e?.cause?.message].filter(Boolean).join(' '));
}

async function registerSubject(registry: SchemaRegistry, registryUrl: string, subject: string, schema: AvroSchema): Promise<number> {
  // Set the subject's rule first so even the very first version is registered under it.
  const res = await fetch(`${registryUrl}/config/${encodeURIComponent(subject)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  if (!res.ok) throw new Error(`schema registry refused compatibility config for ${subject}: HTTP ${res.status}`);
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
  return id;
}
