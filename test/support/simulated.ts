// Pulse pointed at the provider simulator, and the user's side of the OAuth dance.
import { startSimulator } from '../../simulator/providerSimulator.js';
import type { Simulator, SimProvider } from '../../simulator/types.js';
import { followConsent } from '../../simulator/consent.js';
import type { RunningPulse } from './pulse.js';
import { reachEntries } from './egress.js';

export type { Simulator };

export async function simulatorAndSettings(): Promise<{ sim: Simulator; overrides: Record<string, string> }> {
  const sim = await startSimulator({});
  return {
    sim,
    overrides: {
      GOOGLE_APIS_BASE_URL: sim.url,
      GOOGLE_OAUTH_TOKEN_URL: `${sim.url}/token`,
      GOOGLE_OAUTH_AUTHORIZE_URL: `${sim.url}/o/oauth2/v2/auth`,
      SLACK_API_BASE_URL: `${sim.url}/api`,
      SLACK_OAUTH_AUTHORIZE_URL: `${sim.url}/slack/oauth/v2/authorize`,
      // The provider endpoints above are opened implicitly; this opens the simulator's MCP
      // servers (user targets) — its host:port only.
      EGRESS_ALLOW: reachEntries([sim.url]),
    },
  };
}

/** The user's side of the OAuth dance; returns where Pulse finally sends the browser. */
export const completeOAuth = (pulse: RunningPulse, authorizeUrl: string, account: string) => followConsent(authorizeUrl, account, pulse.apiUrl);

/** Connects an integration as a user would; returns its id and the simulator account behind it. */
export async function connect(pulse: RunningPulse, sim: Simulator, token: string, provider: SimProvider, intervalSeconds = 1): Promise<{ id: string; account: string }> {
  const account = sim.createAccount({ provider }).account;
  const config = provider === 'mcp' ? { url: `${sim.url}/mcp/${account}` } : {};
  const created = await pulse.api('POST', '/api/integrations', { token, body: { provider, displayName: `${provider} test`, config, checkIntervalSeconds: intervalSeconds } });
  if (created.status !== 202) throw new Error(`connect ${provider}: ${created.status} ${created.text}`);
  if (created.body.authorizeUrl) {
    const landing = await completeOAuth(pulse, created.body.authorizeUrl, account);
    if (!landing.includes('connected=1')) throw new Error(`OAuth did not complete: ${landing}`);
  }
  return { id: created.body.id, account };
}
