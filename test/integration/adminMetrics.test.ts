import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { LifecycleEvent } from '../../health/events.js';
import { aCheck, aFailedCheck } from '../support/checks.js';
import { adminSession, type AdminCall } from '../support/adminSession.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

/** A small RFC 4180 reader, enough to parse the export back. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += ch;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries((header as string[]).map((h, i) => [h, r[i] as string])));
}

describe('admin health metrics, drill-down and CSV export', function () {
  this.timeout(60_000);
  let pulse: RunningPulse;
  let admin: AdminCall;
  const user = `metrics-${randomUUID().slice(0, 8)}`;
  const ids = Array.from({ length: 4 }, () => randomUUID());

  before(async () => {
    pulse = await startPulse({ roles: ['projectors', 'api'] });
    admin = await adminSession(pulse);
    const { rt } = pulse;
    const now = Date.now();
    const producer = await rt.kafka.producer();
    const lifecycle: LifecycleEvent[] = ids.map((id, i) => ({
      type: 'IntegrationConnected', eventId: randomUUID(), integrationId: id, userId: user, occurredAt: now - 3_600_000,
      provider: i < 2 ? 'gmail' : 'slack', displayName: `Metrics "${i}", =SUM(A1)`, checkIntervalSeconds: 300, config: {},
    }));
    await producer.send(rt.topics.lifecycle, await Promise.all(lifecycle.map((e) => rt.codec.encode(e))));
    const checks = [
      aCheck({ integrationId: ids[0] as string, provider: 'gmail', startedAt: now - 60_000, durationMs: 100 }),
      aFailedCheck('token_revoked', { integrationId: ids[1] as string, provider: 'gmail', startedAt: now - 60_000, durationMs: 200 }),
      aCheck({ integrationId: ids[2] as string, provider: 'slack', startedAt: now - 60_000, durationMs: 300 }),
    ];
    await producer.send(rt.topics.checks, await Promise.all(checks.map((c) => rt.codec.encode(c))));
    await producer.close();
    await eventually(async () => (await pulse.rt.db.query('SELECT 1 FROM integration_health_history WHERE integration_id = ANY($1)', [ids])).rowCount === 3
      && (await pulse.rt.db.query('SELECT 1 FROM integrations WHERE integration_id = ANY($1)', [ids])).rowCount === 4, 'projections');
  });
  after(async () => pulse?.stop());

  it('answers totals by status, per-provider rates, latency and trend series for a user', async () => {
    const res = await admin('GET', `/api/admin/integrations/health?range=24h&user=${user}`);
    expect(res.status).to.equal(200);
    expect(res.body.totals).to.deep.equal({ green: 2, yellow: 0, red: 1, unknown: 1 });
    expect(res.body.integrations.total).to.equal(4);
    expect(res.body.integrations.items[0]).to.include({ status: 'red', errorCode: 'token_revoked' });
    const providers = Object.fromEntries(res.body.providers.map((p: { provider: string }) => [p.provider, p]));
    expect(providers.gmail).to.be.an('object');
    expect(providers.gmail.trend.at(-1)).to.have.keys('bucketStart', 'checks', 'ok', 'degraded', 'failed', 'successRate', 'failureRate', 'latencyAvgMs', 'latencyP50Ms', 'latencyP95Ms', 'latencyP99Ms');
  });

  it('drills down into one provider and refuses bad filters', async () => {
    const gmail = (await admin('GET', `/api/admin/providers/gmail/health?user=${user}&range=7d`)).body;
    expect(gmail.integrations.items.map((i: { provider: string }) => i.provider)).to.deep.equal(['gmail', 'gmail']);
    expect(gmail.providers.map((p: { provider: string }) => p.provider)).to.deep.equal(gmail.providers.length ? ['gmail'] : []);
    expect((await admin('GET', '/api/admin/providers/fax/health')).status).to.equal(404);
    const bad = await admin('GET', '/api/admin/integrations/health?range=1y&status=purple');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.fields).to.have.keys('range', 'status');
    expect((await pulse.api('GET', '/api/admin/integrations/health', { token: pulse.tokenFor(user) })).status).to.equal(401);
  });

  it('exports CSV that parses back to the JSON figures, and the export is audited', async () => {
    const json = (await admin('GET', `/api/admin/integrations/health?user=${user}&limit=500`)).body.integrations.items;
    const csv = await admin('GET', `/api/admin/integrations/health?user=${user}`, { headers: { accept: 'text/csv' } });
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    const rows = parseCsv(csv.text);
    const asCsv = (v: unknown) => (v === null ? '' : String(v));
    expect(rows).to.deep.equal(json.map((r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, asCsv(v)]))));
    expect(rows[0]?.displayName).to.match(/^Metrics "\d", =SUM\(A1\)$/); // quotes and commas survived the round trip
    await eventually(async () => {
      const log = (await admin('GET', `/api/admin/audit?actor=${encodeURIComponent(admin.email)}&action=export`)).body;
      return log.entries?.length >= 1;
    }, 'the export in the audit log');
  });
});
