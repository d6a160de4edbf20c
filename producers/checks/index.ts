// Every provider Pulse can check. A new provider is one module plus one line here.
import { httpCheck } from './http.js';
import type { ProviderCheck } from './provider.js';

export const providerChecks: Record<string, ProviderCheck<any>> = {
  [httpCheck.provider]: httpCheck,
};

export const supportedProviders = Object.keys(providerChecks) as [string, ...string[]];
