// /healthz, /readyz and /metrics for a process that runs no API (a worker, projector or alerts
// process), so an orchestrator can probe every role the same way the API is probed. The probe
// port is internal; still, with METRICS_TOKEN set /metrics needs it as a bearer token here too.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsAccess } from '../api/metrics.js';
import { readinessProbe } from '../platform/readiness.js';
import type { Runtime } from '../platform/runtime.js';
import type { Stoppable } from './roles.js';

export async function startProbeServer(rt: Runtime, port: number): Promise<Stoppable & { url: string }> {
  const ready = readinessProbe({ db: rt.db, kafka: rt.kafka, registryUrl: rt.config.schemaRegistryUrl, now: Date.now });
  const server = createServer((req, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return json(405, { error: { code: 'method_not_allowed', message: 'GET only' } });
    if (path === '/healthz') return json(200, { ok: true });
    if (path === '/readyz') {
      void ready().then(({ ready: ok, dependencies }) => json(ok ? 200 : 503, { ok, dependencies }));
      return;
    }
    if (path === '/metrics') {
      if (metricsAccess(rt.config.metricsToken, req.headers.authorization, 'allowed') !== 'allowed') {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return json(401, { error: { code: 'unauthenticated', message: 'a valid metrics bearer token is required' } });
      }
      void rt.metrics.metrics().then((body) => res.writeHead(200, { 'content-type': rt.metrics.contentType }).end(body));
      return;
    }
    json(404, { error: { code: 'not_found', message: 'no such route' } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, rt.config.api.host, () => resolve());
  });
  const url = `http://${rt.config.api.host}:${(server.address() as AddressInfo).port}`;
  rt.log.info({ url }, 'probes listening');
  return {
    url,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
