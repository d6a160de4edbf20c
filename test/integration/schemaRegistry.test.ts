import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { loadConfig } from '../../platform/config.js';
import { createEventCodec } from '../../platform/events.js';
import { topicsFor } from '../../platform/topics.js';
import { schemas } from '../../schemas/index.js';
import { aCheck } from '../support/checks.js';
import { ensureStackUp, readStackInfo } from '../../deploy/stack/index.js';
import { stopRegistry } from '../../deploy/stack/registry.js';
import { createProgress } from '../../deploy/stack/progress.js';

describe('schema registry (Apicurio, Confluent API)', () => {
  const config = () => loadConfig();

  it('holds every value schema under <topic>-value with BACKWARD compatibility', async () => {
    const c = config();
    const topics = topicsFor(c);
    for (const topic of [topics.lifecycle, topics.checks]) {
      const res = await fetch(`${c.schemaRegistryUrl}/config/${topics.subject(topic)}`);
      expect(res.status, topic).to.equal(200);
      expect(((await res.json()) as { compatibilityLevel: string }).compatibilityLevel).to.equal('BACKWARD');
    }
  });

  it('refuses an incompatible change to a registered schema', async () => {
    const c = config();
    const registry = new SchemaRegistry({ host: c.schemaRegistryUrl });
    const subject = topicsFor(c).subject(topicsFor(c).checks);
    // A new required field without a default: new readers could not read old events.
    const incompatible = structuredClone(schemas.HealthChecked) as unknown as { fields: unknown[] };
    incompatible.fields.push({ name: 'region', type: 'string' });
    const res = await fetch(`${c.schemaRegistryUrl}/subjects/${subject}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(incompatible) }),
    });
    expect(res.status).to.equal(409);
    // ...while a compatible one (new optional field with a default) is accepted.
    const compatible = structuredClone(schemas.HealthChecked) as unknown as { fields: unknown[] };
    compatible.fields.push({ name: 'region', type: ['null', 'string'], default: null });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(compatible) }, { subject });
    expect(id).to.be.a('number');
  });

  it('encodes events that a plain registry client decodes by schema id', async () => {
    const c = config();
    const codec = createEventCodec(c.schemaRegistryUrl, topicsFor(c));
    const event = aCheck({ integrationId: randomUUID() });
    const record = await codec.encode(event);
    expect(record.value.readUInt8(0)).to.equal(0); // Confluent wire format: magic byte, then schema id
    const plain = new SchemaRegistry({ host: c.schemaRegistryUrl });
    const decoded = await plain.decode(record.value);
    expect(decoded).to.include({ eventId: event.eventId, integrationId: event.integrationId, outcome: 'succeeded' });
    const roundTrip = await codec.decode({ topic: topicsFor(c).checks, partition: 0, offset: 0n, key: record.key, value: record.value, headers: {}, timestamp: 0 });
    expect(roundTrip).to.deep.equal(event);
  });

  it('still decodes stored events after the registry restarts (schemas are persisted)', async function () {
    this.timeout(120_000);
    const c = config();
    expect(readStackInfo()?.startedByStack.registry, 'this test restarts the registry started by `npm run stack:up`').to.equal(true);
    const record = await createEventCodec(c.schemaRegistryUrl, topicsFor(c)).encode(aCheck({ integrationId: randomUUID() }));
    await stopRegistry(createProgress(true));
    await ensureStackUp({ quiet: true });
    const fresh = new SchemaRegistry({ host: c.schemaRegistryUrl }); // no cached schemas
    expect(await fresh.decode(record.value)).to.include({ outcome: 'succeeded' });
  });
});
