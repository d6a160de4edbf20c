import { expect } from 'chai';
import type { Faults, SimProvider } from '../../simulator/types.js';
import { connect, simulatorAndSettings, type Simulator } from '../support/simulated.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

// Checks through real HTTP/WebSocket/MCP clients against the provider simulator: the healthy
// path turns green and each fault gives its documented code and status (docs/troubleshooting.md).
describe('provider checks against the simulator (every provider × fault)', function () {
  this.timeout(400_000); // about ten fault cases per provider, each waited for
  let sim: Simulator;
  let pulse: RunningPulse;
  let token: string;

  before(async () => {
    const s = await simulatorAndSettings();
    sim = s.sim;
    pulse = await startPulse({
      overrides: { ...s.overrides, SLOW_CHECK_MS: '600', CHECK_TIMEOUT_MS: '1500', RETRY_BASE_MS: '50', RETRY_CAP_MS: '200' },
    });
    token = pulse.tokenFor('provider-user');
  });
  after(async () => {
    await pulse?.stop();
    await sim?.close();
  });

  const health = async (id: string) => (await pulse.api('GET', `/api/integrations/${id}/health`, { token })).body;
  const transient = ['yellow', 'red'];
  const scope: Record<string, string> = {
    gmail: 'https://www.googleapis.com/auth/gmail.readonly',
    google_calendar: 'https://www.googleapis.com/auth/calendar.readonly',
    slack: 'team:read',
  };

  interface Case { fault: Faults; codes: string[]; statuses: string[] }
  const common: Record<string, Case> = {
    slow: { fault: { latencyMs: 400 }, codes: ['slow_response'], statuses: ['yellow'] },
    'rate limited': { fault: { rateLimit: { retryAfterSeconds: 1 } }, codes: ['rate_limited'], statuses: ['yellow'] },
    '5xx': { fault: { serverError: 503 }, codes: ['server_error'], statuses: transient },
    'malformed body': { fault: { malformed: true }, codes: ['malformed_response'], statuses: transient },
    'connection refused': { fault: { refuse: true }, codes: ['connection_reset', 'connection_refused', 'network_error'], statuses: transient },
    timeout: { fault: { timeout: true }, codes: ['timeout'], statuses: transient },
  };
  const cases = (provider: SimProvider): Record<string, Case> => {
    const oauth: Record<string, Case> = provider === 'mcp' ? {} : {
      'missing scope': { fault: { missingScope: scope[provider] }, codes: ['scope_missing'], statuses: ['red'] },
      // revoked last: it stays red until a reconnect (selfHealing.test.ts follows that through,
      // and the expired token that heals itself)
    };
    const last: Record<string, Case> = provider === 'mcp' ? {} : {
      'revoked token': { fault: { unauthorized: 'revoked' }, codes: ['token_revoked'], statuses: ['red'] },
    };
    const extra: Record<string, Case> = ({
      gmail: { 'quota near limit': { fault: { quotaNearLimit: true }, codes: ['quota_high'], statuses: ['yellow'] } },
      google_calendar: { 'read-only calendar': { fault: { readOnlyCalendar: true }, codes: ['write_permission_missing'], statuses: ['red'] } },
      mcp: { 'malformed body': { fault: { malformed: true }, codes: ['mcp_protocol_error'], statuses: transient } },
    } as Partial<Record<SimProvider, Record<string, Case>>>)[provider] ?? {};
    return { ...common, ...oauth, ...extra, ...last };
  };

  for (const provider of ['gmail', 'google_calendar', 'slack', 'mcp'] as SimProvider[]) {
    it(`${provider}: green when healthy, and each fault shows its code and status`, async () => {
      const { id, account } = await connect(pulse, sim, token, provider);
      const green = await eventually(async () => { const h = await health(id); return h?.status === 'green' && h; }, `${provider} green`, 60_000);
      expect(green.error).to.equal(null);
      const seen: string[] = [];
      for (const [name, c] of Object.entries(cases(provider))) {
        sim.setFaults(account, c.fault);
        const h = await eventually(async () => {
          const b = await health(id);
          return c.codes.includes(b?.error?.code) && c.statuses.includes(b.status) && b;
        }, `${provider} / ${name}`, 60_000);
        seen.push(`${name}: ${h.status}${h.error ? ` ${h.error.code}` : ''}`);
        sim.setFaults(account, {});
        if (h.reauthRequired) {
          expect(h.reconnectUrl, `${name} offers a reconnect link`).to.be.a('string');
          continue; // the next case starts from red; the reconnect test covers the way back
        }
        await eventually(async () => (await health(id))?.status === 'green', `${provider} green again after ${name}`, 60_000);
      }
      expect(seen.length).to.equal(Object.keys(cases(provider)).length);
    });
  }
});
