// `npm start`: the whole product on one machine with demo data. Brings the local stack up
// (reusing what runs), starts the provider simulator (Google, Slack, MCP) and a plain HTTP
// target, runs every role in this process with provider URLs pointed at the simulator,
// connects a demo user's integrations through the real OAuth flow, and prints how to look.
// The API serves the web app (web/dist, built by `npm start`'s prestart) on its own URL.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { issueUserToken } from '../api/auth.js';
import { oauthLinks } from '../api/oauth.js';
import { ensureStackUp } from '../deploy/stack/index.js';
import { loadConfig, projectRoot, stackDir } from '../platform/config.js';
import { originEntry } from '../platform/egress/index.js';
import { createRuntime, prepare, type Runtime } from '../platform/runtime.js';
import { oauthIssuers } from '../producers/oauth/index.js';
import { followConsent } from '../simulator/consent.js';
import { startHttpTarget, type HttpTarget } from '../simulator/httpTarget.js';
import { startSimulator } from '../simulator/providerSimulator.js';
import type { Simulator, SimProvider } from '../simulator/types.js';
import { ensureDevSecrets } from './devSecrets.js';
import { startAlerting, startApi, startProjectors, startWorker, stopOnSignal } from './roles.js';
import { startMailbox } from '../simulator/mailbox.js';

const demoUser = 'demo-user';

interface Demo {
  displayName: string;
  provider: string;
  config: (target: HttpTarget, sim: Simulator) => Record<string, unknown>;
  /** Simulator account behind OAuth and MCP integrations. */
  account?: string;
}

const demos: Demo[] = [
  { displayName: 'Status page', provider: 'http', config: (t) => ({ url: `${t.url}/status-page` }) },
  { displayName: 'Payments API', provider: 'http', config: (t) => ({ url: `${t.url}/payments` }) },
  { displayName: 'Legacy CRM', provider: 'http', config: (t) => ({ url: `${t.url}/legacy-crm` }) },
  { displayName: 'Work Gmail', provider: 'gmail', config: () => ({}), account: 'demo-gmail' },
  { displayName: 'Team calendar', provider: 'google_calendar', config: () => ({}), account: 'demo-google_calendar' },
  { displayName: 'Slack workspace', provider: 'slack', config: () => ({}), account: 'demo-slack' },
  { displayName: 'Docs MCP server', provider: 'mcp', config: (_t, s) => ({ url: `${s.url}/mcp/demo-mcp` }), account: 'demo-mcp' },
];

function step(message: string): void {
  process.stdout.write(`› ${message}\n`);
}

async function startOn<T>(port: number, start: (port: number) => Promise<T>): Promise<T> {
  return start(port).catch(() => start(0)); // the usual port is taken: any free one will do
}

/**
 * `preferred` if it is free, else any free port. The API must know its URL before it starts:
 * OAuth sends the browser back to WEB_APP_URL, which for the demo is the API itself.
 */
function availablePort(preferred: number, host: string): Promise<number> {
  const tryPort = (port: number) => new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => {
      const bound = (probe.address() as { port: number }).port;
      probe.close(() => resolve(bound));
    });
  });
  return tryPort(preferred).catch(() => tryPort(0));
}

/**
 * Creates the demo integrations on first run. The simulator forgets its accounts when it
 * stops, so on later runs the OAuth integrations are reconnected to fresh simulator tokens.
 */
async function seedDemo(rt: Runtime, apiUrl: string, token: string, target: HttpTarget, sim: Simulator): Promise<void> {
  target.set('payments', { delayMs: 2500 });
  target.set('legacy-crm', { status: 503, body: 'Service Unavailable' });
  for (const d of demos) if (d.account) sim.createAccount({ provider: d.provider as SimProvider, account: d.account });

  const { rows } = await rt.db.query("SELECT integration_id, display_name FROM integrations WHERE user_id = $1 AND state = 'active'", [demoUser]);
  const existing = new Map(rows.map((r) => [r.display_name as string, r.integration_id as string]));
  const links = oauthLinks({ jwtSecret: rt.config.auth.jwtSecret, publicApiUrl: rt.config.publicApiUrl, issuers: oauthIssuers(rt.config) });
  let created = 0;
  for (const d of demos) {
    const id = existing.get(d.displayName);
    if (id) {
      const url = d.account ? links.authorizeUrl({ userId: demoUser, integrationId: id, provider: d.provider, mode: 'reconnect' }) : null;
      if (url && d.account) await followConsent(url, d.account, apiUrl);
      continue;
    }
    created++;
    const res = await fetch(`${apiUrl}/api/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ provider: d.provider, displayName: d.displayName, checkIntervalSeconds: 30, config: d.config(target, sim) }),
    });
    const body = (await res.json()) as { authorizeUrl?: string };
    if (res.status !== 202) throw new Error(`could not create demo integration ${d.displayName}: HTTP ${res.status}`);
    if (body.authorizeUrl && d.account) await followConsent(body.authorizeUrl, d.account, apiUrl);
  }
  step(created ? `created ${created} demo integrations for ${demoUser} (Gmail, Calendar and Slack through the OAuth flow)`
    : `demo integrations already there (OAuth ones reconnected to the freshly started simulator)`);
}

/** The demo user's integrations, once the projector has caught up with the ones just created. */
async function demoRows(rt: Runtime): Promise<{ integration_id: string; display_name: string }[]> {
  for (let i = 0; ; i++) {
    const { rows } = await rt.db.query('SELECT integration_id, display_name FROM integrations WHERE user_id = $1 ORDER BY display_name', [demoUser]);
    if (demos.every((d) => rows.some((r) => r.display_name === d.displayName)) || i >= 50) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runDemo(): Promise<void> {
  const t0 = Date.now();
  ensureDevSecrets();
  step('starting the local stack (Kafka, schema registry, PostgreSQL)…');
  await ensureStackUp();
  const sim = await startOn(3200, (port) => startSimulator({ port }));
  const target = await startOn(3100, (port) => startHttpTarget(port));
  // Alert mail goes to a local mailbox that writes .eml files, unless an SMTP relay is configured.
  const mailDir = path.join(stackDir, 'mail');
  const given = loadConfig();
  const mailbox = given.explicit.smtpHost ? null : await startOn(2525, (port) => startMailbox({ port, dir: mailDir }));
  const providerUrls = {
    GOOGLE_APIS_BASE_URL: sim.url,
    GOOGLE_OAUTH_TOKEN_URL: `${sim.url}/token`,
    GOOGLE_OAUTH_AUTHORIZE_URL: `${sim.url}/o/oauth2/v2/auth`,
    SLACK_API_BASE_URL: `${sim.url}/api`,
    SLACK_OAUTH_AUTHORIZE_URL: `${sim.url}/slack/oauth/v2/authorize`,
    // The demo's checks reach exactly the simulator (its MCP servers) and the HTTP target — their
    // host:port, not the loopback range — on top of whatever EGRESS_ALLOW the environment gives.
    EGRESS_ALLOW: [...given.egress.allow, originEntry(sim.url), originEntry(target.url)].join(','),
  };
  const defaults = loadConfig(undefined, providerUrls);
  const port = await availablePort(defaults.api.port, defaults.api.host);
  const apiUrl = given.explicit.publicApiUrl ? given.publicApiUrl : `http://${defaults.api.host}:${port}`;
  // Same origin for the app and the API (the admin cookie needs it). Developers running Vite
  // (`npm run web:dev`) set WEB_APP_URL=http://127.0.0.1:5173 so OAuth returns there instead.
  const webAppUrl = given.explicit.webAppUrl ? given.webAppUrl : apiUrl;
  const demoMail: Record<string, string> = mailbox ? { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mailbox.port), ALERT_ADMIN_EMAILS: given.explicit.adminEmails ? given.alerting.adminEmails.join(',') : 'admin@pulse.demo', ALERT_DIGEST_SECONDS: '10' } : {};
  const config = loadConfig(undefined, { ...providerUrls, ...demoMail, API_PORT: String(port), WEB_APP_URL: webAppUrl });
  const logFile = path.join(stackDir, 'logs', 'pulse.log');
  const rt = createRuntime(config, 'pulse', pino.destination({ dest: logFile, mkdir: true, sync: false }));
  step('preparing tables, topics and schemas…');
  await prepare(rt);
  const api = await startApi(rt);
  const roles = [await startProjectors(rt), await startWorker(rt), await startAlerting(rt), api];
  stopOnSignal(rt, [{ stop: () => sim.close() }, { stop: () => target.close() }, { stop: async () => mailbox?.close() }, ...roles]);

  // The email claim is where alerts about the demo user's own integrations are mailed.
  const token = issueUserToken(config.auth.jwtSecret, demoUser, config.auth.userTokenMaxLifetimeSeconds, `${demoUser}@pulse.demo`); // as long as the API accepts
  await seedDemo(rt, api.url, token, target, sim);
  const rows = await demoRows(rt);
  const webBuilt = existsSync(path.join(projectRoot, 'web', 'dist', 'index.html'));
  const web = webBuilt || webAppUrl !== api.url
    ? `  Dashboard   ${webAppUrl}/#token=${token}
  Admin       ${webAppUrl}/admin   (create an account first, see below)`
    : `  Dashboard   not built: run \`npm run web:build\` (or start with \`npm start\`, which builds it)`;

  process.stdout.write(`
Pulse is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)

${web}

  API         ${api.url}
  Demo user   ${demoUser}
  Token       ${token}
  Simulator   ${sim.url}  (Google, Slack and MCP stand-ins)
  Alert mail  ${mailbox ? `${path.relative(process.cwd(), mailDir)}/*.eml (a local SMTP server on port ${mailbox.port})` : `via ${config.alerting.smtp.host}:${config.alerting.smtp.port}`}
  HTTP target ${target.url}
  Egress      public addresses + ${config.egress.allow.join(', ')} (EGRESS_ALLOW; docs/security.md#egress-policy)
  Logs        ${path.relative(process.cwd(), logFile)} (JSON)

Look at an integration:
  export TOKEN=${token}
${rows.map((r) => `  curl -s -H "Authorization: Bearer $TOKEN" ${api.url}/api/integrations/${r.integration_id}/health   # ${r.display_name}`).join('\n')}

Break things and watch Pulse notice (and heal what it can):
  curl -X PUT ${sim.url}/_sim/accounts/demo-gmail/faults -d '{"unauthorized":"expired"}'   # heals itself: token refreshed
  curl -X PUT ${sim.url}/_sim/accounts/demo-slack/faults -d '{"unauthorized":"revoked"}'   # red, with a reconnect link
  curl -X PUT ${sim.url}/_sim/accounts/demo-google_calendar/faults -d '{"rateLimit":{"retryAfterSeconds":60}}'
  curl -X PUT ${target.url}/_faults/status-page -d '{"status":500}'

Admin portal: create an account, then sign in at ${webAppUrl}/admin
  echo 'a-long-password-here' | npm run -s pulse -- admin create you@example.com --password-stdin

Ctrl-C stops Pulse; \`npm run stack:down\` stops Kafka and the registry.
`);
}
