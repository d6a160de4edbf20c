import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createCredentialStore } from '../../platform/credentialStore.js';
import { createDb } from '../../platform/db.js';
import { topicsFor } from '../../platform/topics.js';
import type { ScheduledIntegration } from '../../producers/runCheck.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { simulatorAndSettings, type Simulator } from '../support/simulated.js';
import { decodeAll, readTopic } from '../support/topicReader.js';
import { refreshGate, startWorkerSide, type WorkerSide } from './support/refreshWorkerSide.js';

const CHECKS_PER_WORKER = 10;

describe('two workers refreshing one rotating OAuth credential (Slack, against the simulator)', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let env: OwnEnvironment;
  const sides: WorkerSide[] = [];

  before(async () => {
    const s = await simulatorAndSettings();
    sim = s.sim;
    // The check deadline also bounds a refresh, counted from before the gate opens: be generous.
    env = await ownEnvironment('token-refresh-race', { ...s.overrides, CHECK_TIMEOUT_MS: '30000' });
  });
  after(async () => {
    for (const side of sides) await side.close();
    await sim?.close();
    await env?.drop();
  });

  it('refreshes once for twenty concurrent checks on two workers: every check succeeds, no false reconnect, one CredentialsRefreshed, and the stored token works', async () => {
    const config = env.config();
    const account = sim.createAccount({ provider: 'slack' });
    const integration: ScheduledIntegration = { integrationId: randomUUID(), userId: 'refresh-race-user', provider: 'slack', config: {}, checkIntervalSeconds: 60 };
    const { integrationId } = integration;
    const setupDb = createDb(config.databaseUrl, 1);
    const store = createCredentialStore(setupDb, config.credentialKeys);
    try {
      // Stored as the OAuth callback stores it, but past its expiry, and the provider agrees:
      // the old access token is refused until someone refreshes. Slack rotates the refresh
      // token on every refresh, so only the first refresh can succeed.
      await store.save(integrationId, 'slack', {
        accessToken: account.accessToken, refreshToken: account.refreshToken, appToken: null,
        scopes: account.scopes, expiresAt: Date.now() - 60_000, accountHint: null,
      });
      sim.setFaults(account.account, { unauthorized: 'expired' });

      const gate = refreshGate(2 * CHECKS_PER_WORKER);
      const [a, b] = await Promise.all([startWorkerSide(config, 'a', gate), startWorkerSide(config, 'b', gate)]);
      sides.push(a!, b!);
      const settled = await Promise.allSettled(Array.from({ length: CHECKS_PER_WORKER }, () => [a!.check(integration), b!.check(integration)]).flat());

      const failures = settled.map((r) => (r.status === 'rejected' ? `threw: ${(r.reason as Error)?.message}` : r.value.outcome === 'succeeded' ? null : `failed: ${r.value.error?.code} ${r.value.error?.message}`));
      expect(failures.filter(Boolean), 'checks that did not succeed').to.deep.equal([]);
      expect(gate.loads(), 'every check read the expired credential before any refresh').to.be.at.least(2 * CHECKS_PER_WORKER);
      const refreshes = () => sim.requests(account.account).filter((r) => r.path === '/api/oauth.v2.access').length;
      expect(refreshes(), 'refresh requests the provider served').to.equal(1);

      // What the workers emitted (each send acked before its check returned).
      const lifecycle = await decodeAll(config, (await readTopic(config, topicsFor(config).lifecycle)).filter((r) => r.key === integrationId));
      const emitted = lifecycle.map((e) => Object.entries(e.payload)[0]!).map(([type, body]) => ({ type: type.split('.').pop(), body: body as Record<string, unknown> }));
      expect(emitted.map((e) => e.type), 'lifecycle events of the integration').to.deep.equal(['CredentialsRefreshed']);
      expect(emitted[0]!.body.trigger).to.equal('ahead_of_expiry');

      // The store holds the one rotated pair the provider issued, not a stale or half-written one.
      const stored = (await store.load(integrationId))!;
      const current = sim.account(account.account)!;
      expect(stored.accessToken === current.accessToken, 'stored access token is the provider\'s current one').to.equal(true);
      expect(stored.refreshToken === current.refreshToken, 'stored refresh token is the provider\'s current one').to.equal(true);
      expect(stored.expiresAt).to.be.greaterThan(Date.now());
      // … and it works: another check from either side succeeds without refreshing again.
      for (const side of [a!, b!]) expect((await side.check(integration)).outcome).to.equal('succeeded');
      expect(refreshes()).to.equal(1);
    } finally {
      await setupDb.end();
    }
  });
});
