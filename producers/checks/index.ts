// Every provider Pulse can check. A new provider is one module plus one line here.
import { httpCheck } from './http.js';
import { gmailCheck } from './gmail.js';
import { calendarCheck } from './calendar.js';
import { slackCheck } from './slack.js';
import { mcpCheck } from './mcp.js';
import type { ProviderCheck } from './provider.js';

export const providerChecks: Record<string, ProviderCheck<any>> = {
  [httpCheck.provider]: httpCheck,
  [gmailCheck.provider]: gmailCheck,
  [calendarCheck.provider]: calendarCheck,
  [slackCheck.provider]: slackCheck,
  [mcpCheck.provider]: mcpCheck,
};

export const supportedProviders = Object.keys(providerChecks) as [string, ...string[]];
