// The failure rate of one provider over a window, once the window holds enough checks.
import { duration, percent } from '../describe.js';
import { windowFigures } from '../windows.js';
import { minSampleParam, param, share, strict, windowParam } from './fields.js';
import { ruleKind } from './kind.js';

export const providerFailureRate = ruleKind({
  id: 'provider_failure_rate',
  label: 'Provider failure rate',
  description: "Too many of a provider's checks fail within a window.",
  condition: 'Over {thresholdPercent} % failed in {windowSeconds} (at least {minSample} checks)',
  scope: 'provider',
  params: strict({
    windowSeconds: windowParam(900),
    thresholdPercent: param(share(), { title: 'Failure rate above', unit: '%', default: 20 }),
    minSample: minSampleParam(),
  }),
  volumeWindowSeconds: (p) => p.windowSeconds,
  holds: (p, state, provider) => {
    const f = windowFigures(state, provider, p.windowSeconds);
    return f.checks >= p.minSample && (100 * f.failed) / f.checks > p.thresholdPercent;
  },
  says: ({ windowSeconds, thresholdPercent }, state, provider, subject) => {
    const f = windowFigures(state, provider, windowSeconds);
    const rate = percent(f.failed, f.checks);
    return {
      summary: `${subject}: ${rate} % of checks failed in the last ${duration(windowSeconds)} (${f.failed} of ${f.checks}; the limit is ${thresholdPercent} %).`,
      facts: { failureRatePercent: rate, failed: f.failed, sample: f.checks, thresholdPercent, windowSeconds },
    };
  },
  recovered: (s) => `${s} checks are failing no more than the limit allows again.`,
});
