// Alerting driven by a real fault: the provider simulator revokes a Slack token, the worker's
// checks turn the integration red, and both the admins' webhook and the owner's mailbox hear
// about it — the owner with the steps to fix it and the link to reconnect — and about recovery.
// Its rules and incidents are its own (ownEnvironment): another suite's failing integrations
// cannot open an incident that holds this alert back, nor its rules page anyone here.
import { expect } from 'chai';
import { issueUserToken } from '../../api/auth.js';
import { adminSession } from '../support/adminSession.js';
import { startReceiver, startSmtp } from '../support/alertSinks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, withReach, type RunningPulse } from '../support/pulse.js';
import { completeOAuth, connect, simulatorAndSettings, type Simulator } from '../support/simulated.js';

describe('alerting on a real provider fault', function () {
  this.timeout(120_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let sim: Simulator;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let secret = '';

  before(async () => {
    env = await ownEnvironment('alerting_live');
    smtp = await startSmtp();
    receiver = await startReceiver(() => secret);
    const simulated = await simulatorAndSettings();
    sim = simulated.sim;
    pulse = await startPulse({
      roles: ['projectors', 'worker', 'alerts', 'api'],
      overrides: { ...env.overrides, ...withReach(simulated.overrides, [receiver.url]), SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), ALERT_DIGEST_SECONDS: '1', ALERT_TICK_SECONDS: '1' },
    });
  });

  after(async () => {
    await pulse?.stop();
    await sim?.close();
    receiver?.server.close();
    await smtp?.close();
    await env?.drop();
  });

  it('tells the admins and the owner when a Slack integration turns red, and again when it is reconnected', async () => {
    const admin = await adminSession(pulse);
    const hook = await admin('POST', '/api/admin/webhooks', { body: { name: 'ops', url: receiver.url } });
    expect(hook.status, hook.text).to.equal(201);
    secret = hook.body.secret;
    await eventually(async () => (await admin('GET', '/api/admin/webhooks')).body.webhooks.some((w: any) => w.id === hook.body.id), 'webhook projected');
    const rule = await admin('POST', '/api/admin/alert-rules', { body: {
      name: 'Slack integration red', kind: 'integration_red', params: {}, enabled: true, severity: 'critical', provider: 'slack',
      cooldownSeconds: 0, escalateAfterSeconds: null, channels: [{ type: 'webhook', webhookId: hook.body.id }], escalationChannels: [], notifyOwner: true,
    } });
    expect(rule.status, rule.text).to.equal(202);
    await eventually(async () => (await admin('GET', `/api/admin/alert-rules/${rule.body.id}`)).status === 200, 'rule projected');

    // The owner's token names their address; that is where their alert mail goes.
    const token = issueUserToken(pulse.rt.config.auth.jwtSecret, 'alice', 3600, 'alice@example.com');
    const { id, account } = await connect(pulse, sim, token, 'slack');
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${id}/health`, { token })).body?.status === 'green', 'green');

    sim.setFaults(account, { unauthorized: 'revoked' });
    const raised = await eventually(async () => receiver.hooks.find((h) => h.body.alerts?.some((a: any) => a.ruleId === rule.body.id && a.kind === 'raised')), 'webhook about the red integration');
    expect(raised.verified).to.equal(true);
    const mail = await eventually(async () => smtp.mails.find((m) => m.to.includes('alice@example.com')), 'mail to the owner');
    expect(mail.raw).to.include('Reconnect Slack');
    expect(mail.raw).to.include(`/integrations/${id}`);
    const mine = await pulse.api('GET', `/api/integrations/${id}/alerts`, { token });
    expect(mine.body.alerts.map((a: any) => [a.ruleId, a.status])).to.deep.include([rule.body.id, 'open']);
    // The owner takes it on: escalation stops, and the admins see who did.
    const alertId = mine.body.alerts.find((a: any) => a.ruleId === rule.body.id).alertId;
    const ack = await pulse.api('POST', `/api/integrations/${id}/alerts/${alertId}/ack`, { token, body: { note: 'reconnecting now' } });
    expect(ack.status, ack.text).to.equal(202);
    await eventually(async () => (await admin('GET', `/api/admin/alerts/${alertId}`)).body.acknowledgedBy === 'user:alice', 'acknowledged by the owner');
    const stranger = await pulse.api('POST', `/api/integrations/${id}/alerts/${alertId}/ack`, { token: pulse.tokenFor('mallory'), body: {} });
    expect(stranger.status).to.equal(404);

    const red = await eventually(async () => { const h = (await pulse.api('GET', `/api/integrations/${id}/health`, { token })).body; return h.reconnectUrl && h; }, 'reconnect link');
    await completeOAuth(pulse, red.reconnectUrl, account);
    await eventually(async () => receiver.hooks.find((h) => h.body.alerts?.some((a: any) => a.ruleId === rule.body.id && a.kind === 'resolved')), 'webhook about recovery');
    await eventually(async () => smtp.mails.filter((m) => m.to.includes('alice@example.com')).length >= 2, 'recovery mail to the owner');
  });
});
