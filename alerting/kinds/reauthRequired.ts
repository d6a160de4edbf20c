// The user must reconnect: a ReauthRequired lifecycle event and no ReauthCompleted since.
import { strict } from './fields.js';
import { ruleKind } from './kind.js';

export const reauthRequired = ruleKind({
  id: 'reauth_required',
  label: 'Must be reconnected',
  description: 'Pulse lost access and only the owner can restore it.',
  condition: 'Owner must reconnect',
  scope: 'integration',
  params: strict({}),
  explainedByIncident: true,
  holds: (_p, entry) => entry.reauth !== null,
  says: (_p, entry, _now, subject) => {
    const reason = entry.reauth?.reason ?? null;
    return { summary: `${subject} has lost access: its owner must reconnect it (${reason ?? 'no reason given'}).`, facts: { reason, errorCode: entry.health?.errorCode ?? null } };
  },
  recovered: (s) => `${s} no longer needs to be reconnected.`,
});
