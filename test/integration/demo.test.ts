// `npm start` as a new user runs it: the whole product in one process with demo data, in an
// environment of its own (database and topics), so the run's other suites never see its data.
import { expect } from 'chai';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { kill, startPulseProcess, type PulseProcess } from '../support/processes.js';
import { eventually } from '../support/signals.js';

describe('the demo (`npm start`)', function () {
  this.timeout(180_000);
  let env: OwnEnvironment;
  let demo: PulseProcess | undefined;

  before(async () => {
    env = await ownEnvironment('demo');
  });
  after(async () => {
    if (demo) await kill(demo, 'SIGTERM');
    await env?.drop();
  });

  it('connects the demo integrations through the real OAuth flow, prints how to look, and stops cleanly on SIGTERM', async () => {
    demo = startPulseProcess(['start'], { ...env.overrides, API_PORT: '0' });
    const banner = await demo.printed((text) => text.includes('Ctrl-C stops Pulse'), 150_000);
    const apiUrl = /^ {2}API +(\S+)$/m.exec(banner)?.[1];
    const token = /^ {2}Token +(\S+)$/m.exec(banner)?.[1];
    expect(apiUrl, banner).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(token, banner).to.be.a('string');
    expect(banner).to.include('curl -X PUT'); // fault recipes for the new user to try

    const list = async () => {
      const res = await fetch(`${apiUrl}/api/integrations`, { headers: { authorization: `Bearer ${token}` } });
      return (await res.json()) as { items: { displayName: string; provider: string; status: string | null }[] };
    };
    // Every demo integration is checked: the healthy ones turn green, the broken CRM does not.
    const items = await eventually(async () => {
      const { items } = await list();
      const byName = new Map(items.map((i) => [i.displayName, i.status]));
      const healthy = ['Status page', 'Work Gmail', 'Team calendar', 'Slack workspace', 'Docs MCP server'];
      return items.length === 7 && healthy.every((n) => byName.get(n) === 'green') && ['yellow', 'red'].includes(byName.get('Legacy CRM') ?? '') && items;
    }, 'the demo integrations to be checked', 90_000, 250);
    expect(items.map((i) => i.provider).sort()).to.deep.equal(['gmail', 'google_calendar', 'http', 'http', 'http', 'mcp', 'slack']);

    await kill(demo, 'SIGTERM');
    expect(demo.exited(), 'a graceful stop exits with 0').to.equal(0);
  });
});
