// The OAuth issuers Pulse knows, built from config.
import type { Config } from '../../platform/config.js';
import { googleIssuer } from './google.js';
import type { OAuthIssuer } from './issuer.js';
import { slackIssuer } from './slack.js';

export type IssuerName = 'google' | 'slack';

export function oauthIssuers(config: Config, now: () => number = Date.now): Record<IssuerName, OAuthIssuer> {
  const p = config.providers;
  return {
    google: googleIssuer({ authorizeUrl: p.googleAuthorizeUrl, tokenUrl: p.googleTokenUrl, clientId: p.googleClient.id, clientSecret: p.googleClient.secret, now }),
    slack: slackIssuer({ authorizeUrl: p.slackAuthorizeUrl, apiBase: p.slackApi, clientId: p.slackClient.id, clientSecret: p.slackClient.secret, now }),
  };
}
