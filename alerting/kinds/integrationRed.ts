// An integration's status turns red, by the status rules its owner sees (health/statusRules.ts).
import { adviceFor } from '../../health/errorCatalog.js';
import { strict } from './fields.js';
import { ruleKind } from './kind.js';

export const integrationRed = ruleKind({
  id: 'integration_red',
  label: 'Integration is red',
  description: 'An integration turns red, by the same status rules its owner sees.',
  condition: 'Status turns red',
  scope: 'integration',
  params: strict({}),
  explainedByIncident: true,
  holds: (_p, entry) => entry.health?.status === 'red',
  says: (_p, entry, _now, subject) => {
    const failures = entry.health?.consecutiveFailures ?? 0;
    const code = entry.health?.errorCode ?? null;
    const why = code ? adviceFor(code, entry.provider).message : 'its checks are failing.';
    const streak = failures > 1 ? ` ${failures} checks in a row have failed.` : '';
    return { summary: `${subject} is red: ${why}${streak}`, facts: { errorCode: code, consecutiveFailures: failures } };
  },
  recovered: (s) => `${s} is no longer red.`,
});
