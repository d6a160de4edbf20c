// N failed checks in a row for one integration.
import { param, strict, whole } from './fields.js';
import { ruleKind } from './kind.js';

export const consecutiveFailures = ruleKind({
  id: 'consecutive_failures',
  label: 'Failed checks in a row',
  description: 'An integration fails a number of checks in a row.',
  condition: '{failures} failed checks in a row',
  scope: 'integration',
  params: strict({ failures: param(whole(1, 100, ' failures'), { title: 'Failed checks in a row', unit: 'checks', default: 5, description: '1 to 100.' }) }),
  explainedByIncident: true,
  holds: (p, entry) => (entry.health?.consecutiveFailures ?? 0) >= p.failures,
  says: (p, entry, _now, subject) => {
    const failures = entry.health?.consecutiveFailures ?? 0;
    const code = entry.health?.errorCode ?? null;
    return {
      summary: `${subject}: ${failures} checks in a row have failed${code ? ` (${code})` : ''}.`,
      facts: { errorCode: code, consecutiveFailures: failures, threshold: p.failures },
    };
  },
  recovered: (s) => `${s} is passing its checks again.`,
});
