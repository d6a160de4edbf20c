// Smoke test of the schema registry through @kafkajs/confluent-schema-registry (the client the app
// uses): register, per-subject config, get by id, encode/decode, incompatible change refused, and
// persistence across restarts (a message encoded on an earlier run must still decode).
//   npx tsx deploy/stack/smoke.ts        (brings the stack up first if needed)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { STATE } from './paths.js';
import { ensureStackUp } from './stack.js';

const SUBJECT = 'smoke-value';
const SAVED = join(STATE, 'smoke.json');
const v1 = {
  type: 'record',
  name: 'Smoke',
  namespace: 'pulse.smoke',
  fields: [
    { name: 'integrationId', type: 'string' },
    { name: 'ok', type: 'boolean' },
  ],
};
const compatible = { ...v1, fields: [...v1.fields, { name: 'latencyMs', type: ['null', 'int'], default: null }] };
const incompatible = { ...v1, fields: [...v1.fields, { name: 'requiredNoDefault', type: 'string' }] };

let failures = 0;
async function check(name: string, fn: () => Promise<string | void>): Promise<void> {
  try {
    const detail = await fn();
    process.stdout.write(`ok    ${name}${detail ? ` — ${detail}` : ''}\n`);
  } catch (err) {
    failures++;
    process.stdout.write(`FAIL  ${name} — ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

const info = await ensureStackUp({ quiet: true });
const host = info.schemaRegistryUrl;
const fresh = (): SchemaRegistry => new SchemaRegistry({ host });
const assert = (cond: unknown, message: string): void => {
  if (!cond) throw new Error(message);
};

if (existsSync(SAVED)) {
  const saved = JSON.parse(readFileSync(SAVED, 'utf8')) as { id: number; hex: string; at: string };
  await check('message encoded on an earlier run still decodes (registry persisted)', async () => {
    const decoded = (await fresh().decode(Buffer.from(saved.hex, 'hex'))) as { integrationId: string };
    assert(decoded.integrationId === 'int-1', `unexpected ${JSON.stringify(decoded)}`);
    return `id ${saved.id}, encoded ${saved.at}`;
  });
}

const registry = fresh();
let id = 0;
await check(`register Avro schema under ${SUBJECT}`, async () => {
  ({ id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject: SUBJECT }));
  return `id ${id}`;
});
await check('re-register identical schema (reformatted) returns the same id', async () => {
  const again = await fresh().register({ type: SchemaType.AVRO, schema: JSON.stringify(v1, null, 2) }, { subject: SUBJECT });
  assert(again.id === id, `got ${again.id}, expected ${id}`);
});
await check(`PUT /config/${SUBJECT} {"compatibility":"BACKWARD"}`, async () => {
  const res = await fetch(`${host}/config/${SUBJECT}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  const body = await res.text();
  assert(res.status === 200, `HTTP ${res.status} ${body}`);
  return body;
});
await check('getSchema(id) with a fresh client', async () => {
  const schema = (await fresh().getSchema(id)) as unknown as { name?: string };
  assert(schema.name === 'pulse.smoke.Smoke', `unexpected schema ${JSON.stringify(schema)}`);
});
let encoded: Buffer = Buffer.alloc(0);
await check('encode/decode round trip', async () => {
  encoded = await registry.encode(id, { integrationId: 'int-1', ok: true });
  const decoded = (await fresh().decode(encoded)) as { integrationId: string; ok: boolean };
  assert(decoded.integrationId === 'int-1' && decoded.ok === true, JSON.stringify(decoded));
  return `${encoded.length} bytes, magic byte ${encoded[0]}, id ${encoded.readInt32BE(1)}`;
});
await check('incompatible change (required field, no default) is refused with 409', async () => {
  try {
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(incompatible) }, { subject: SUBJECT });
  } catch (err) {
    const status = (err as { status?: number }).status;
    assert(status === 409, `expected HTTP 409, got ${status}: ${(err as Error).message}`);
    return 'HTTP 409';
  }
  throw new Error('registration was accepted');
});
await check('compatible change (optional field with default) is accepted', async () => {
  const next = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(compatible) }, { subject: SUBJECT });
  assert(next.id !== id, 'same id as v1');
  const decoded = (await fresh().decode(encoded)) as { integrationId: string };
  assert(decoded.integrationId === 'int-1', 'old message no longer decodes');
  return `id ${next.id}`;
});
await check('global default compatibility is BACKWARD', async () => {
  const res = await fetch(`${host}/config`);
  const body = (await res.json()) as { compatibilityLevel?: string };
  assert(body.compatibilityLevel === 'BACKWARD', JSON.stringify(body));
});

if (!existsSync(SAVED) && encoded.length) {
  writeFileSync(SAVED, `${JSON.stringify({ id, hex: encoded.toString('hex'), at: new Date().toISOString() })}\n`);
  process.stdout.write(`saved an encoded message to ${SAVED}; run again after stack:down + stack:up to check persistence\n`);
}
process.exit(failures ? 1 : 0);
