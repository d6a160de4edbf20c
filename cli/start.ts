// `npm start`: the whole product on one machine with demo data. Brings the local stack up
// (reusing what runs), prepares tables/topics/schemas, runs every role in this process,
// points a few demo integrations at a local HTTP service and prints how to look at them.
import path from 'node:path';
import { pino } from 'pino';
import { issueUserToken } from '../api/auth.js';
import { ensureStackUp } from '../deploy/stack/index.js';
import { loadConfig, stackDir } from '../platform/config.js';
import { createRuntime, prepare, type Runtime } from '../platform/runtime.js';
import { startHttpTarget, type HttpTarget } from '../simulator/httpTarget.js';
import { ensureDevSecrets } from './devSecrets.js';
import { startApi, startProjectors, startWorker, stopOnSignal } from './roles.js';

const demoUser = 'demo-user';

const demoIntegrations = [
  { displayName: 'Status page', endpoint: 'status-page', behaviour: {} },
  { displayName: 'Payments API (slow)', endpoint: 'payments', behaviour: { delayMs: 2500 } },
  { displayName: 'Legacy CRM (down)', endpoint: 'legacy-crm', behaviour: { status: 503, body: 'Service Unavailable' } },
];

const demoRequests = (target: HttpTarget) => demoIntegrations.map((d) => ({ ...d, body: { provider: 'http', displayName: d.displayName, checkIntervalSeconds: 30, config: { url: `${target.url}/${d.endpoint}`, expectedStatus: 200 } } }));

function step(message: string): void {
  process.stdout.write(`› ${message}\n`);
}

async function seedDemo(rt: Runtime, apiUrl: string, token: string, target: HttpTarget): Promise<void> {
  const demos = demoRequests(target);
  for (const d of demos) target.set(d.endpoint, d.behaviour);
  const { rows } = await rt.db.query('SELECT count(*)::int AS n FROM integrations WHERE user_id = $1', [demoUser]);
  if (rows[0].n > 0) return step(`demo user already has ${rows[0].n} integrations`);
  for (const d of demos) {
    const res = await fetch(`${apiUrl}/api/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(d.body),
    });
    if (res.status !== 202) throw new Error(`could not create demo integration: HTTP ${res.status} ${await res.text()}`);
  }
  step(`created ${demos.length} demo integrations for ${demoUser}`);
}

/** The demo user's integrations, once the projector has caught up with the ones just created. */
async function demoRows(rt: Runtime): Promise<{ integration_id: string; display_name: string }[]> {
  const expected = demoIntegrations.length;
  for (let i = 0; ; i++) {
    const { rows } = await rt.db.query('SELECT integration_id, display_name FROM integrations WHERE user_id = $1 ORDER BY display_name', [demoUser]);
    if (rows.length >= expected || i >= 50) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runDemo(): Promise<void> {
  const t0 = Date.now();
  ensureDevSecrets();
  step('starting the local stack (Kafka, schema registry, PostgreSQL)…');
  await ensureStackUp();
  const config = loadConfig();
  const logFile = path.join(stackDir, 'logs', 'pulse.log');
  const rt = createRuntime(config, 'pulse', pino.destination({ dest: logFile, mkdir: true, sync: false }));
  step('preparing tables, topics and schemas…');
  await prepare(rt);
  const target = await startHttpTarget(3100).catch(() => startHttpTarget(0));
  const roles = [await startProjectors(rt), await startWorker(rt), await startApi(rt)];
  const api = roles[2] as Awaited<ReturnType<typeof startApi>>;
  stopOnSignal(rt, [{ stop: () => target.close() }, ...roles]);

  const token = issueUserToken(config.auth.jwtSecret, demoUser);
  await seedDemo(rt, api.url, token, target);
  const rows = await demoRows(rt);

  process.stdout.write(`
Pulse is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)

  API         ${api.url}
  Demo user   ${demoUser}
  Token       ${token}
  Demo target ${target.url}  (change an endpoint: curl -X PUT ${target.url}/_faults/status-page -d '{"status":500}')
  Logs        ${path.relative(process.cwd(), logFile)} (JSON)

Try:
  export TOKEN=${token}
${rows.map((r) => `  curl -s -H "Authorization: Bearer $TOKEN" ${api.url}/api/integrations/${r.integration_id}/health   # ${r.display_name}`).join('\n')}

Ctrl-C stops Pulse; \`npm run stack:down\` stops Kafka and the registry.
`);
}
