// Many integrations of one provider, across users, failing together: the provider itself is down.
// While one is open, the integration alerts it explains stay quiet (alerting/noise.ts).
import { duration, percent } from '../describe.js';
import { windowFigures } from '../windows.js';
import { param, share, strict, whole, windowParam } from './fields.js';
import { ruleKind } from './kind.js';

export const providerIncident = ruleKind({
  id: 'provider_incident',
  label: 'Provider incident',
  description: 'Many integrations of many users fail together: the provider itself has a problem.',
  condition: '{minIntegrations}+ integrations of {minUsers}+ users failing (≥ {failurePercent} %) in {windowSeconds}',
  scope: 'provider',
  incident: true,
  params: strict({
    windowSeconds: windowParam(600),
    minIntegrations: param(whole(1, 1_000_000), { title: 'Failing integrations, at least', unit: 'integrations', default: 5 }),
    minUsers: param(whole(1, 1_000_000), { title: 'Belonging to at least', unit: 'users', default: 3 }),
    failurePercent: param(share(), { title: 'And at least', unit: '%', default: 50, description: 'Of the integrations checked in the window.' }),
  }),
  holds: ({ windowSeconds, minIntegrations, minUsers, failurePercent }, state, provider) => {
    const f = windowFigures(state, provider, windowSeconds);
    return f.failingIntegrations >= minIntegrations && f.affectedUsers >= minUsers && (100 * f.failingIntegrations) / f.checkedIntegrations >= failurePercent;
  },
  says: ({ windowSeconds }, state, provider, subject) => {
    const f = windowFigures(state, provider, windowSeconds);
    const failing = percent(f.failingIntegrations, f.checkedIntegrations);
    return {
      summary: `${subject} looks down: ${f.failingIntegrations} integrations of ${f.affectedUsers} users are failing (${failing} % of those checked in the last ${duration(windowSeconds)}).`,
      facts: { affectedIntegrations: f.failingIntegrations, affectedUsers: f.affectedUsers, checkedIntegrations: f.checkedIntegrations, failingPercent: failing, windowSeconds },
    };
  },
  recovered: (s) => `The ${s} problem affecting many users is over.`,
});
