import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { WebSocket } from 'ws';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { adminSession } from '../support/adminSession.js';
import { startReceiver, startSmtp, type Receiver } from '../support/alertSinks.js';
import { runCli } from '../support/cli.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { findLeaks, type Secret } from '../support/secretScan.js';
import { simulatorAndSettings, type Simulator } from '../support/simulated.js';
import { readTopic } from '../support/topicReader.js';
import { reachEntries } from '../support/egress.js';

type Mailbox = Awaited<ReturnType<typeof startSmtp>>;

/** A socket that keeps every frame it receives, as text. */
async function openSocket(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(url, { headers });
  const frames: string[] = [];
  ws.on('message', (data) => frames.push(data.toString()));
  ws.on('error', () => undefined);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket ${url.split('?')[0]}: HTTP ${res.statusCode}`)));
  });
  return { ws, frames };
}

// A realistic session with known secrets, then every place Pulse writes to is searched for each
// of them in every encoding (test/support/secretScan.ts): every topic of the environment (dead
// letters included: values, keys, headers), the raw text of every table, the logs of every
// role at debug level, the CLI's output, /metrics, both WebSockets, the e-mail and webhook
// bodies that went out, and every API response. The suite has a database and topics of its
// own, so "every table" and "every topic" mean exactly what this session wrote.
describe('no secret leaves Pulse, in any encoding, anywhere it writes', function () {
  this.timeout(120_000);
  const logs: string[] = [];
  const responses: string[] = [];
  const childOutput: string[] = [];
  const frames: { user: string[]; admin: string[] } = { user: [], admin: [] };
  const metricsToken = `metrics-${randomBytes(24).toString('base64url')}`;
  const smtpPassword = `smtp-${randomBytes(18).toString('base64url')}`;
  const adminPassword = `admin-pw ${randomBytes(12).toString('base64url')}!`;
  const sneaked = [`sk_live_${randomBytes(12).toString('hex')}`, `hunter2-${randomBytes(8).toString('hex')}`];
  const urlToken = `hook-token-${randomBytes(16).toString('hex')}`;
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let sim: Simulator;
  let target: HttpTarget;
  let smtp: Mailbox;
  let receiver: Receiver;
  let webhookSecret = '';

  before(async () => {
    const simulated = await simulatorAndSettings();
    sim = simulated.sim;
    target = await startHttpTarget();
    smtp = await startSmtp();
    receiver = await startReceiver(() => webhookSecret);
    env = await ownEnvironment('no secrets', {
      ...simulated.overrides,
      METRICS_TOKEN: metricsToken,
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_PASSWORD: smtpPassword,
      // Exactly the checked target, the simulator and the webhook receiver, as in production.
      EGRESS_ALLOW: reachEntries([target.url, sim.url, receiver.url]),
      MIN_CHECK_INTERVAL_SECONDS: '1', ALERT_DIGEST_SECONDS: '0',
    });
    pulse = await startPulse({
      roles: ['projectors', 'worker', 'alerts', 'api'],
      overrides: env.overrides,
      logs: { level: 'debug', destination: new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } }) },
    });
  });
  after(async () => {
    await pulse?.stop();
    await env?.drop();
    await Promise.all([sim?.close(), target?.close(), smtp?.close(), new Promise((r) => receiver?.server.close(r))]);
  });

  it('finds none of them in topics, tables, logs, CLI output, /metrics, sockets, mail, webhooks or responses', async () => {
    const token = pulse.tokenFor(`ns-user-${randomBytes(3).toString('hex')}`);
    const call = async (method: string, path: string, opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {}) => {
      const res = await pulse.api(method, path, { token, ...opts });
      responses.push(`${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${res.text}`); // what came back, not what was asked
      return res;
    };

    // An admin created from the CLI (its output is scanned), signed in through the API.
    const adminEmail = `ns-admin-${randomBytes(3).toString('hex')}@example.test`;
    const created = await runCli(['admin', 'create', adminEmail, '--password-stdin', '--manage-admins'], { env: env.overrides, stdin: `${adminPassword}\n` });
    childOutput.push(created.stdout, created.stderr);
    expect(created.code, created.stderr).to.equal(0);
    const admin = await adminSession(pulse, { email: adminEmail, password: adminPassword });
    const adminCall = async (method: string, path: string, body?: unknown) => {
      const res = await admin(method, path, { body });
      responses.push(`${res.status}\n${res.text}`);
      return res;
    };
    expect((await call('POST', '/api/admin/session', { token: undefined, body: { email: adminEmail, password: `${adminPassword}x` } })).status).to.equal(401);

    // Credentials a user tries to put in settings are refused.
    const refused = [
      await call('POST', '/api/integrations', { body: { provider: 'http', displayName: 'x', config: { url: `${target.url}/a`, headers: { Authorization: `Bearer ${sneaked[0]}` } } } }),
      await call('POST', '/api/integrations', { body: { provider: 'http', displayName: 'x', config: { url: `http://admin:${sneaked[1]}@127.0.0.1:1/` } } }),
    ];
    expect(refused.map((r) => r.status)).to.deep.equal([400, 400]);

    // An OAuth integration through the simulator, the code and the tokens known to the test.
    const account = sim.createAccount({ provider: 'gmail' }).account;
    const gmail = await call('POST', '/api/integrations', { body: { provider: 'gmail', displayName: 'Mail', config: {}, checkIntervalSeconds: 1 } });
    expect(gmail.status, gmail.text).to.equal(202);
    const consent = await fetch(`${gmail.body.authorizeUrl}&login_hint=${encodeURIComponent(account)}`, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const oauthCode = back.searchParams.get('code')!;
    expect(oauthCode).to.be.a('string').with.length.greaterThan(8);
    const landing = await fetch(`${pulse.apiUrl}${back.pathname}${back.search}`, { redirect: 'manual' });
    responses.push(`${landing.status} ${landing.headers.get('location')}\n${await landing.text()}`);
    expect(landing.headers.get('location')).to.contain('connected=1');
    await eventually(async () => (await call('GET', `/api/integrations/${gmail.body.id}/health`)).body?.status === 'green', 'gmail green');
    const firstAccessToken = sim.account(account)!.accessToken;
    sim.setFaults(account, { unauthorized: 'expired' }); // a refresh: a second access token
    await eventually(async () => sim.account(account)!.accessToken !== firstAccessToken, 'token refreshed');

    // An HTTP check that fails with a response body holding a secret.
    const http = await call('POST', '/api/integrations', { body: { provider: 'http', displayName: 'Ok', config: { url: `${target.url}/ok` }, checkIntervalSeconds: 1 } });
    expect(http.status, http.text).to.equal(202);

    // Sockets: the user's (token in the query, as some clients do) and the admin's (cookie).
    const userWs = await openSocket(`${pulse.apiUrl.replace('http', 'ws')}/ws?token=${token}`);
    frames.user = userWs.frames;
    userWs.ws.send(JSON.stringify({ type: 'subscribe', all: true }));
    const adminWs = await openSocket(`${pulse.apiUrl.replace('http', 'ws')}/api/admin/ws`, { cookie: admin.cookie });
    frames.admin = adminWs.frames;
    adminWs.ws.send(JSON.stringify({ type: 'subscribe', scope: 'all' }));

    await eventually(async () => (await call('GET', `/api/integrations/${http.body.id}/health`)).body?.status === 'green', 'http green');
    target.set('ok', { status: 401, body: `invalid token ${sneaked[0]}` });
    await eventually(async () => (await call('GET', `/api/integrations/${http.body.id}/health`)).body?.status === 'red', 'http red');
    await call('GET', `/api/integrations/${http.body.id}/health`, { token: `${token}x` }); // a tampered token
    await call('GET', `/api/integrations/${http.body.id}/health?access_token=${token}`);

    // A webhook whose URL holds a token; a test delivery and a test e-mail go out.
    const hook = await admin('POST', '/api/admin/webhooks', { body: { name: 'ops', url: `${receiver.url}?token=${urlToken}` } });
    expect(hook.status, hook.text).to.equal(201);
    webhookSecret = hook.body.secret; // shown once, in this response only (not scanned)
    // The test route reads the webhooks projection: send once the webhook is projected.
    await eventually(async () => (await adminCall('GET', '/api/admin/webhooks')).body?.webhooks?.some((w: { id: string }) => w.id === hook.body.id), 'webhook projected');
    expect((await adminCall('POST', '/api/admin/notifications/test', { channel: { type: 'webhook', webhookId: hook.body.id } })).status).to.be.below(300);
    expect((await adminCall('POST', '/api/admin/notifications/test', { channel: { type: 'email', to: ['ops@example.test'] } })).status).to.be.below(300);
    await eventually(async () => receiver.hooks.length > 0 && smtp.mails.length > 0, 'webhook and mail sent');
    expect(receiver.hooks[0]!.verified).to.equal(true);

    // A dead letter: bytes no projection can decode.
    const producer = await pulse.rt.kafka.producer();
    await producer.send(pulse.rt.topics.lifecycle, [{ key: 'poison', value: Buffer.from('not avro at all'), headers: {} }]);
    await producer.close();
    await eventually(async () => (await readTopic(pulse.rt.config, pulse.rt.topics.dlq(pulse.rt.topics.lifecycle))).length > 0, 'dead-lettered');

    await adminCall('GET', '/api/admin/audit?limit=500');
    await adminCall('GET', '/api/admin/accounts');
    const metrics = await call('GET', '/metrics', { token: undefined, headers: { authorization: `Bearer ${metricsToken}` } });
    expect(metrics.status).to.equal(200);
    expect(await call('GET', '/metrics', { token: undefined })).to.include({ status: 401 });

    await eventually(async () => frames.user.some((f) => f.includes(http.body.id)) && frames.admin.some((f) => f.includes(gmail.body.id)), 'frames on both sockets');
    userWs.ws.close();
    adminWs.ws.close();

    // Everything written: every topic of this environment, raw.
    const kafka = new Kafka({ brokers: pulse.rt.config.kafka.brokers, clientId: 'ns-scan', logLevel: logLevel.NOTHING });
    const kadmin = kafka.admin();
    await kadmin.connect();
    const topicNames = (await kadmin.listTopics()).filter((t) => t.startsWith(pulse.rt.config.kafka.topicPrefix));
    await kadmin.disconnect();
    expect(topicNames).to.include.members([pulse.rt.topics.audit, pulse.rt.topics.dlq(pulse.rt.topics.lifecycle)]);
    const topics: Record<string, string> = {};
    for (const name of topicNames) {
      topics[`topic ${name}`] = (await readTopic(pulse.rt.config, name))
        .map((r) => `${r.key}\n${r.value?.toString('latin1')}\n${r.value?.toString('utf8')}\n${JSON.stringify(r.headers)}`).join('\n');
    }
    // The raw text of every row of every table.
    const tables: Record<string, string> = {};
    const { rows: tableRows } = await pulse.rt.db.query(
      `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`);
    for (const { s, t } of tableRows) {
      const { rows } = await pulse.rt.db.query(`SELECT x::text AS row FROM "${s}"."${t}" x`);
      tables[`table ${s}.${t}`] = rows.map((r) => r.row).join('\n');
    }
    expect(tables['table public.integration_credentials']).to.contain(gmail.body.id); // sealed rows are there, as ciphertext

    const gmailTokens = sim.account(account)!;
    const secrets: Secret[] = [
      { name: 'user JWT', value: token },
      { name: 'JWT_SECRET', value: pulse.rt.config.auth.jwtSecret },
      ...pulse.rt.config.credentialKeys.map((k) => ({ name: `CREDENTIALS_KEYS ${k.id}`, value: k.key })),
      { name: 'METRICS_TOKEN', value: metricsToken },
      { name: 'SMTP_PASSWORD', value: smtpPassword },
      { name: 'admin password', value: adminPassword },
      { name: 'admin session cookie', value: admin.cookie.slice(admin.cookie.indexOf('=') + 1) },
      { name: 'CSRF token', value: admin.csrfToken },
      { name: 'webhook secret', value: webhookSecret },
      { name: 'webhook secret key', value: Buffer.from(webhookSecret.replace(/^whsec_/, ''), 'base64') },
      { name: 'webhook URL token', value: urlToken },
      { name: 'OAuth code', value: oauthCode },
      { name: 'OAuth access token', value: gmailTokens.accessToken },
      { name: 'first OAuth access token', value: firstAccessToken },
      ...(gmailTokens.refreshToken ? [{ name: 'OAuth refresh token', value: gmailTokens.refreshToken }] : []),
      ...sneaked.map((value, i) => ({ name: `sneaked credential ${i}`, value })),
    ];
    const places: Record<string, string> = {
      ...topics,
      ...tables,
      logs: logs.join(''),
      'CLI output': childOutput.join('\n'),
      '/metrics': metrics.text,
      'user WebSocket frames': frames.user.join('\n'),
      'admin WebSocket frames': frames.admin.join('\n'),
      'e-mails sent': smtp.mails.map((m) => m.raw).join('\n'),
      'webhook bodies sent': receiver.hooks.map((h) => JSON.stringify(h.body)).join('\n'),
      'API responses': responses.join('\n'),
    };
    // Each place really was captured, so its silence means something.
    expect(places.logs).to.contain('"msg":"request"').and.to.contain('"level":"debug"');
    expect(places['CLI output']).to.contain(`created admin ${adminEmail}`);
    expect(places['e-mails sent']).to.contain('Test notification');
    expect(places['/metrics']).to.contain('pulse_dead_letters_pending');
    expect(Object.keys(topics).length).to.be.at.least(8);

    const leaks = findLeaks(secrets, places);
    expect(leaks, leaks.map((l) => `${l.secret} (${l.form}) in ${l.where}: …${l.context}…`).join('\n')).to.deep.equal([]);
  });
});
