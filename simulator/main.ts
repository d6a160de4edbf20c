// `npm run simulator [-- --port 3200] [--host 127.0.0.1]`: the provider simulator on its own,
// for the demo and for poking at by hand. Prints one JSON line per request (method, path
// without query string, status, ms, account) — never tokens.
import { parseArgs } from 'node:util';
import { startSimulator } from './providerSimulator.js';

const usage = `Usage: npm run simulator -- [--port <n>] [--host <address>]
       npm run simulator -- <port>

Starts the provider simulator (Google OAuth/Gmail/Calendar, Slack Web API/OAuth/Socket Mode,
MCP Streamable HTTP) on http://<host>:<port> (default 127.0.0.1:3200).
Create accounts and faults through the admin API, e.g.
  curl -XPOST localhost:3200/_sim/accounts -H 'content-type: application/json' -d '{"provider":"gmail"}'
  curl -XPUT  localhost:3200/_sim/accounts/<account>/faults -H 'content-type: application/json' -d '{"latencyMs":800}'
See simulator/README.md for routes and faults.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string', short: 'p' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
} catch (e) {
  fail((e as Error).message);
}
if (args.values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const rawPort = args.values.port ?? args.positionals[0] ?? '3200';
const port = Number(rawPort);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port: ${rawPort}`);

const line = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...o })}\n`);

const sim = await startSimulator({ port, host: args.values.host ?? '127.0.0.1', onRequest: (e) => line({ ...e }) }).catch((e: Error) => fail(`cannot start: ${e.message}`));
line({ msg: 'provider simulator listening', url: sim.url });

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void sim.close().then(() => process.exit(0));
  });
}
