import { expect } from 'chai';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { metricsRoute } from '../../api/metrics.js';
import { adminSession, type AdminCall } from '../support/adminSession.js';
import { aCheck } from '../support/checks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { readTopic } from '../support/topicReader.js';

describe('dead-letter administration', function () {
  this.timeout(90_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let admin: AdminCall;

  before(async () => {
    // Re-drive acts on a whole DLQ, so this suite takes an environment of its own: other
    // suites' poison records must neither be re-driven here nor change the counts we assert.
    env = await ownEnvironment('dlq admin');
    pulse = await startPulse({ roles: ['projectors', 'api'], overrides: env.overrides });
    admin = await adminSession(pulse);
  });
  after(async () => {
    await pulse?.stop();
    await env?.drop();
  });

  const summaryOf = async (topic: string) => {
    const res = await admin('GET', '/api/admin/dead-letters');
    expect(res.status).to.equal(200);
    return res.body.topics.find((t: { topic: string }) => t.topic === topic);
  };

  it('counts and lists poison records with why and where from, never their bytes', async () => {
    const { rt } = pulse;
    const integrationId = randomUUID();
    const poison = [Buffer.from('{"not":"avro"}'), Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 1, 2, 3])];
    const producer = await rt.kafka.producer();
    await producer.send(rt.topics.lifecycle, poison.map((value) => ({ key: integrationId, value })));
    await producer.close();

    const counted = await eventually(async () => {
      const s = await summaryOf('lifecycle');
      return s.total === poison.length && s;
    }, 'both poison records to reach the lifecycle DLQ');
    expect(counted).to.deep.equal({
      topic: 'lifecycle', sourceTopic: rt.topics.lifecycle, dlqTopic: rt.topics.dlq(rt.topics.lifecycle), total: 2, pending: 2,
    });

    const list = await admin('GET', '/api/admin/dead-letters/lifecycle?limit=10');
    expect(list.status).to.equal(200);
    const [newest, oldest] = list.body.deadLetters;
    expect(list.body.deadLetters).to.have.length(2);
    expect(newest.valueBytes).to.equal(poison[1]!.length);
    expect(oldest.valueBytes).to.equal(poison[0]!.length);
    expect(newest.sourceOffset).to.equal(oldest.sourceOffset + 1);
    for (const d of list.body.deadLetters) {
      expect(d).to.have.all.keys('partition', 'offset', 'key', 'valueBytes', 'reason', 'consumer', 'sourceTopic', 'sourcePartition', 'sourceOffset', 'at', 'redriven');
      expect(d).to.include({ key: integrationId, consumer: 'integrations', sourceTopic: rt.topics.lifecycle, redriven: false });
      expect(d.reason).to.match(/decode|schema/i);
      expect(d.sourcePartition).to.be.a('number');
    }
    for (const value of poison) expect(list.text).not.to.include(value.toString('base64'));
    expect(list.text).not.to.include('\\"not\\"');

    const one = await admin('GET', '/api/admin/dead-letters/lifecycle?limit=1');
    expect(one.body.deadLetters).to.deep.equal([newest]);
  });

  it('refuses user tokens, unknown topics and a bad limit', async () => {
    const user = pulse.tokenFor('user-1');
    expect((await pulse.api('GET', '/api/admin/dead-letters', { token: user })).status).to.equal(401);
    expect((await pulse.api('GET', '/api/admin/dead-letters/checks', { token: user })).status).to.equal(401);
    expect((await pulse.api('POST', '/api/admin/dead-letters/checks/redrive', { token: user })).status).to.equal(401);
    expect((await pulse.api('POST', '/api/admin/dead-letters/checks/redrive')).status).to.equal(401);

    for (const path of ['/api/admin/dead-letters/health.checks', '/api/admin/dead-letters/nope']) {
      const res = await admin('GET', path);
      expect(res.status, path).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
    }
    expect((await admin('POST', '/api/admin/dead-letters/nope/redrive')).status).to.equal(404);

    for (const limit of ['0', '501', '2.5', 'many']) {
      const res = await admin('GET', `/api/admin/dead-letters/checks?limit=${limit}`);
      expect(res.status, limit).to.equal(400);
      expect(res.body.error.fields).to.have.property('limit');
    }
  });

  it('re-drives fixed records once; the projector applies them and nothing stays pending', async () => {
    const { rt } = pulse;
    const integrationId = randomUUID();
    const dlqTopic = rt.topics.dlq(rt.topics.checks);
    // A record that failed because of a bug since fixed: valid Avro, parked in the DLQ.
    const fixed = [
      await rt.codec.encode(aCheck({ integrationId })),
      await rt.codec.encode(aCheck({ integrationId, startedAt: Date.parse('2026-11-01T10:05:00Z') })),
    ];
    const producer = await rt.kafka.producer();
    await producer.send(dlqTopic, fixed.map((r, i) => ({
      key: r.key,
      value: r.value,
      headers: {
        'dlq-reason': 'cannot apply: simulated bug', 'dlq-consumer': 'integration_health', 'dlq-source-topic': rt.topics.checks,
        'dlq-source-partition': '0', 'dlq-source-offset': String(i), 'dlq-at': new Date().toISOString(),
      },
    })));
    await producer.close();
    expect(await summaryOf('checks')).to.include({ total: 2, pending: 2 });

    const first = await admin('POST', '/api/admin/dead-letters/checks/redrive');
    expect(first.status).to.equal(200);
    expect(first.body).to.deep.equal({ redriven: 2 });

    await eventually(async () => {
      const { rows } = await rt.db.query('SELECT check_count FROM integration_health_checks WHERE integration_id = $1', [integrationId]);
      return rows[0]?.check_count === 2;
    }, 'the re-driven checks to be projected');

    const back = (await readTopic(rt.config, rt.topics.checks)).filter((r) => r.key === integrationId);
    expect(back.map((r) => r.value?.toString('base64'))).to.have.members(fixed.map((f) => f.value.toString('base64')));
    expect(back.map((r) => r.headers['dlq-redriven-from'])).to.have.members(['0:0', '0:1']);
    expect(back.every((r) => r.headers['dlq-redriven-for'] === 'integration_health')).to.equal(true);

    const second = await admin('POST', '/api/admin/dead-letters/checks/redrive');
    expect(second.body).to.deep.equal({ redriven: 0 });
    expect(await summaryOf('checks')).to.include({ total: 2, pending: 0 });
    const list = await admin('GET', '/api/admin/dead-letters/checks');
    expect(list.body.deadLetters.map((d: { redriven: boolean }) => d.redriven)).to.deep.equal([true, true]);
  });

  it('serves the pending count per topic as a Prometheus gauge', async () => {
    const metricsToken = `metrics-${'x'.repeat(32)}`;
    const app = express();
    app.get('/metrics', metricsRoute({ ...pulse.rt, metricsToken }));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      const text = await res.text();
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/plain/);
      expect(text).to.include('# TYPE pulse_dead_letters_pending gauge');
      for (const topic of ['lifecycle', 'checks']) {
        expect(text).to.include(`pulse_dead_letters_pending{topic="${topic}"} ${(await summaryOf(topic)).pending}`);
      }
    } finally {
      server.close();
    }
  });
});
