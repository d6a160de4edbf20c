// The p95 latency of one provider's successful checks over a window, once it holds enough of them.
import { quantile } from '../../health/latencySketch.js';
import { duration } from '../describe.js';
import { windowFigures } from '../windows.js';
import { minSampleParam, param, strict, whole, windowParam } from './fields.js';
import { ruleKind } from './kind.js';

export const providerLatencyP95 = ruleKind({
  id: 'provider_latency_p95',
  label: 'Provider latency (p95)',
  description: "The slowest 5 % of a provider's successful checks are too slow.",
  condition: 'p95 over {thresholdMs} ms in {windowSeconds} (at least {minSample} checks)',
  scope: 'provider',
  params: strict({
    windowSeconds: windowParam(900),
    thresholdMs: param(whole(1, 600_000, ' ms'), { title: 'p95 latency above', unit: 'ms', default: 3000, description: 'Successful checks only: failures are not slowness.' }),
    minSample: minSampleParam(),
  }),
  volumeWindowSeconds: (p) => p.windowSeconds,
  holds: (p, state, provider) => {
    const f = windowFigures(state, provider, p.windowSeconds);
    if (f.checks - f.failed < p.minSample) return false;
    return (quantile(f.okLatency, 0.95) ?? 0) > p.thresholdMs;
  },
  says: ({ windowSeconds, thresholdMs }, state, provider, subject) => {
    const f = windowFigures(state, provider, windowSeconds);
    const sample = f.checks - f.failed;
    const p95 = quantile(f.okLatency, 0.95);
    return {
      summary: `${subject} is slow: 1 in 20 successful checks took longer than ${p95} ms in the last ${duration(windowSeconds)} (the limit is ${thresholdMs} ms; ${sample} checks).`,
      facts: { p95Ms: p95, sample, thresholdMs, windowSeconds },
    };
  },
  recovered: (s) => `${s} is answering fast enough again.`,
});
