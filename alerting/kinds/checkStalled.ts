// No check received for an integration for a while: a stalled worker, not the provider.
import { duration } from '../describe.js';
import type { IntegrationEntry } from '../state.js';
import { param, strict, WEEK, whole } from './fields.js';
import { ruleKind } from './kind.js';

/** When an integration was last heard of: its newest check, or its connection if never checked. */
const lastSign = (entry: IntegrationEntry): number | null => entry.health?.lastCheckedAt ?? entry.connectedAt;

/** A slow schedule is not a stall: never less than three of the integration's intervals. */
const limitSeconds = (afterSeconds: number, entry: IntegrationEntry) => Math.max(afterSeconds, 3 * (entry.checkIntervalSeconds ?? 0));

export const checkStalled = ruleKind({
  id: 'check_stalled',
  label: 'Checks stalled',
  description: "No check has arrived for an integration for a while: Pulse's own workers, not the provider.",
  condition: 'No check for {afterSeconds}',
  scope: 'integration',
  params: strict({
    afterSeconds: param(whole(60, WEEK, ' seconds'), { title: 'No check for', unit: 'duration', default: 900, description: 'At least 1 minute; never less than 3 check intervals of the integration.' }),
  }),
  explainedByIncident: false,
  holds: (p, entry, now) => {
    const since = lastSign(entry);
    return since !== null && now - since >= limitSeconds(p.afterSeconds, entry) * 1000;
  },
  says: (p, entry, now, subject) => {
    const since = lastSign(entry);
    const limit = limitSeconds(p.afterSeconds, entry);
    const silentSeconds = since === null ? 0 : Math.floor((now - since) / 1000);
    return {
      summary: `${subject} has not been checked for ${duration(silentSeconds)} (the limit is ${duration(limit)}): the check worker may be stuck.`,
      facts: { lastCheckAt: entry.health?.lastCheckedAt ?? null, silentSeconds, limitSeconds: limit, checkIntervalSeconds: entry.checkIntervalSeconds },
    };
  },
  recovered: (s) => `${s} is being checked again.`,
});
