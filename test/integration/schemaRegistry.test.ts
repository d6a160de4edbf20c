import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { loadConfig } from '../../platform/config.js';
import { createEventCodec } from '../../platform/events.js';
import { topicsFor } from '../../platform/topics.js';
import { schemas } from '../../schemas/index.js';
import { aCheck } from '../support/checks.js';
import { startRegistryInstance, type RegistryInstance } from '../../deploy/stack/registry.js';
import { asPostgresAdmin, testRun } from '../support/hooks.js';

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

  describe('a registry instance of its own, restarted on the same storage', function () {
    // Restarting the shared registry would break whatever else uses it (the demo, other
    // suites): this suite runs an Apicurio of its own, with a database and tmp dir of its own.
    this.timeout(240_000);
    const database = `pulse_test_${testRun.id}_registry`;
    let dir = '';
    let registry: RegistryInstance | undefined;
    const storage = () => {
      const url = new URL(testRun.adminUrl);
      url.pathname = `/${database}`;
      return url.toString();
    };

    before(async () => {
      await asPostgresAdmin((c) => c.query(`CREATE DATABASE ${database}`).then(() => undefined));
      dir = mkdtempSync(join(tmpdir(), 'pulse-registry-'));
      registry = await startRegistryInstance({ databaseUrl: storage(), dir });
    });
    after(async () => {
      await registry?.stop();
      await asPostgresAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).then(() => undefined));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('still decodes stored events after the registry restarts (schemas are persisted)', async () => {
      const first = registry as RegistryInstance;
      const topics = topicsFor(config());
      const codec = createEventCodec(first.url, topics);
      await codec.registerSchemas();
      const event = aCheck({ integrationId: randomUUID() });
      const record = await codec.encode(event);
      const schemaId = record.value.readInt32BE(1);

      await first.stop();
      expect(() => process.kill(first.pid, 0), 'the stopped registry process').to.throw(/ESRCH/);
      registry = await startRegistryInstance({ databaseUrl: storage(), dir });
      expect(registry.pid).to.not.equal(first.pid);

      const fresh = new SchemaRegistry({ host: registry.url }); // no cached schemas
      expect(await fresh.decode(record.value)).to.include({ eventId: event.eventId, outcome: 'succeeded' });
      const freshCodec = createEventCodec(registry.url, topics);
      expect(await freshCodec.decode({ topic: topics.checks, partition: 0, offset: 0n, key: record.key, value: record.value, headers: {}, timestamp: 0 })).to.deep.equal(event);
      // Registering again finds the stored schema rather than making a new one.
      expect((await freshCodec.encode(event)).value.readInt32BE(1)).to.equal(schemaId);
    });
  });
});
