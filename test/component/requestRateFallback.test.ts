import { expect } from 'chai';
import { Writable } from 'node:stream';
import { requestRate } from '../../api/requestRate.js';
import { createDb } from '../../platform/db.js';
import { createLogger } from '../../platform/logger.js';
import { refusedPort, type RefusedPort } from '../support/refusedPort.js';

// The request-rate counter with Postgres unreachable (a real pg pool aimed at a port that
// refuses connections): requests are counted in this process instead, so the limit still holds
// per instance, and the operator hears about it once — not once per request.
describe('request rate while Postgres does not answer', () => {
  let port: RefusedPort;
  before(async () => {
    port = await refusedPort();
  });
  after(async () => port?.close());

  it('counts in this process, keeps the limit, and logs one warning', async () => {
    const lines: any[] = [];
    const log = createLogger({ level: 'info', name: 'test' }, new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } }) as never);
    const db = createDb(`postgres://postgres@127.0.0.1:${port.port}/nowhere`, 2);
    try {
      const rate = requestRate(db, log, 'user', 3);
      const verdicts = [];
      for (let i = 0; i < 5; i++) verdicts.push(await rate.take('alice'));
      expect(verdicts.map((v) => v.allowed)).to.deep.equal([true, true, true, false, false]);
      expect(verdicts.map((v) => v.remaining)).to.deep.equal([2, 1, 0, 0, 0]);
      expect((await rate.take('bob')).allowed, 'another user has a budget of their own').to.equal(true);
      const warnings = lines.filter((l) => l.msg === 'request rate: Postgres unavailable, counting in this process only');
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include({ limiter: 'requests-user' });
      expect(JSON.stringify(lines)).not.to.include('alice');
    } finally {
      await db.end();
    }
  });
});
