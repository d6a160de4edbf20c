import { expect } from 'chai';
import { metricsAccess } from '../../api/metrics.js';

describe('who may scrape /metrics', () => {
  const token = 'm'.repeat(40);

  it('without METRICS_TOKEN: the API port hides them, the probe port serves them', () => {
    expect(metricsAccess(undefined, undefined, 'hidden')).to.equal('hidden');
    expect(metricsAccess(undefined, `Bearer ${token}`, 'hidden')).to.equal('hidden');
    expect(metricsAccess(undefined, undefined, 'allowed')).to.equal('allowed');
  });

  it('with METRICS_TOKEN: only that exact bearer token, on either port', () => {
    for (const whenNoToken of ['hidden', 'allowed'] as const) {
      expect(metricsAccess(token, `Bearer ${token}`, whenNoToken)).to.equal('allowed');
      expect(metricsAccess(token, `bearer ${token}`, whenNoToken)).to.equal('allowed');
      for (const wrong of [undefined, '', token, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`, 'Bearer ']) {
        expect(metricsAccess(token, wrong, whenNoToken), String(wrong)).to.equal('unauthorized');
      }
    }
  });
});
