// The two ways out a process needs, built once from config.
import type { Config } from '../config.js';
import { originEntry } from './allowList.js';
import { createEgress, type Egress } from './egress.js';
import type { Resolver } from './egressConnect.js';

export interface EgressRoutes {
  /** To what users (checks) and admins (webhooks) chose: public addresses plus EGRESS_ALLOW. */
  targets: Egress;
  /**
   * To the provider APIs and OAuth token endpoints the operator configured: the same policy plus
   * exactly those endpoints' host:port. What the deployment configured is opened — for these
   * calls only, so pointing GOOGLE_APIS_BASE_URL at an internal proxy does not open it to users.
   */
  providers: Egress;
  close(): Promise<void>;
}

export function providerEndpointEntries(config: Config): string[] {
  const p = config.providers;
  return [...new Set([p.googleApis, p.googleTokenUrl, p.slackApi].map(originEntry))];
}

export const targetEgress = (config: Config, resolver?: Resolver): Egress => createEgress({ allow: config.egress.allow, resolver });

export const providerEgress = (config: Config, resolver?: Resolver): Egress =>
  createEgress({ allow: [...config.egress.allow, ...providerEndpointEntries(config)], resolver });

export function egressFromConfig(config: Config, resolver?: Resolver): EgressRoutes {
  const targets = targetEgress(config, resolver);
  const providers = providerEgress(config, resolver);
  return { targets, providers, close: async () => { await Promise.all([targets.close(), providers.close()]); } };
}
