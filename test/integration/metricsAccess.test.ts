import { expect } from 'chai';
import { startProbeServer } from '../../cli/probeServer.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

describe('/metrics behind METRICS_TOKEN', function () {
  this.timeout(60_000);
  const token = `metrics-${'k'.repeat(32)}`;
  const started: RunningPulse[] = [];
  after(async () => {
    for (const p of started) await p.stop();
  });
  const pulseWith = async (overrides: Record<string, string>) => {
    const p = await startPulse({ roles: ['api'], overrides });
    started.push(p);
    return p;
  };

  it('is not served on the API port without a token configured', async () => {
    const pulse = await pulseWith({});
    const res = await pulse.api('GET', '/metrics');
    expect(res.status).to.equal(404);
    expect(res.text).not.to.contain('pulse_');
    expect((await pulse.api('GET', '/healthz')).status).to.equal(200); // probes stay open
  });

  it('needs the exact bearer token on the API port and on the probe port when configured', async () => {
    const pulse = await pulseWith({ METRICS_TOKEN: token });
    for (const authorization of [undefined, `Bearer ${token}x`, `Basic ${token}`]) {
      const res = await pulse.api('GET', '/metrics', { headers: authorization ? { authorization } : {} });
      expect(res.status, String(authorization)).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
      expect(res.text).not.to.contain(token);
    }
    const ok = await pulse.api('GET', '/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).to.equal(200);
    expect(ok.text).to.contain('pulse_dead_letters_pending');

    const probes = await startProbeServer(pulse.rt, 0);
    try {
      expect((await fetch(`${probes.url}/metrics`)).status).to.equal(401);
      const scraped = await eventually(async () => {
        const r = await fetch(`${probes.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
        return r.status === 200 && r;
      }, 'probe metrics');
      expect(scraped.headers.get('content-type')).to.match(/^text\/plain/);
      expect((await fetch(`${probes.url}/healthz`)).status).to.equal(200);
    } finally {
      await probes.stop();
    }
  });

  it('keeps serving the internal probe port without a token configured', async () => {
    const pulse = await pulseWith({});
    const probes = await startProbeServer(pulse.rt, 0);
    try {
      expect((await fetch(`${probes.url}/metrics`)).status).to.equal(200);
    } finally {
      await probes.stop();
    }
  });
});
