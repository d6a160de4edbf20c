// The OAuth issuers Pulse knows, built from config.
import type { Config } from '../../platform/config.js';
import { providerEgress, type Egress } from '../../platform/egress/index.js';
import { googleIssuer } from './google.js';
import type { OAuthIssuer } from './issuer.js';
import { slackIssuer } from './slack.js';

export type IssuerName = 'google' | 'slack';

/**
 * Token endpoints are the operator's choice, never a user's (there are no user-defined OAuth
 * providers): they are reached through the egress policy with exactly the configured endpoints opened.
 */
export function oauthIssuers(config: Config, now: () => number = Date.now, egress: Egress = providerEgress(config)): Record<IssuerName, OAuthIssuer> {
  const p = config.providers;
  const { fetch } = egress;
  return {
    google: googleIssuer({ authorizeUrl: p.googleAuthorizeUrl, tokenUrl: p.googleTokenUrl, clientId: p.googleClient.id, clientSecret: p.googleClient.secret, now, fetch }),
    slack: slackIssuer({ authorizeUrl: p.slackAuthorizeUrl, apiBase: p.slackApi, clientId: p.slackClient.id, clientSecret: p.slackClient.secret, now, fetch }),
  };
}
