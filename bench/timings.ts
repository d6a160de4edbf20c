// `npm run bench:timings`: the speed claims that used to sit in tests, measured over many
// samples and printed instead of asserted (a test that says "under 1 s" fails on a busy
// machine and proves nothing on an idle one). Pure in-process: local HTTP/TCP servers, the
// provider simulator, node:crypto; no Kafka, no Postgres, no registry.
//   login       a wrong password for a known admin vs. an unknown email (both run one scrypt:
//               the unknown email is checked against a decoy hash) — their ratio should be ≈ 1
//   ssrf        a private webhook address is refused before connecting: literal, and by DNS (localhost)
//   webhook     a receiver that never answers: 2 attempts × timeoutMs 200, no backoff sleeps
//   check       a check against a silent server with a 300 ms deadline: how far past the deadline
//               the timeout is reported; and how fast a refused connection is reported
//   simulator   latencyMs 250 as the client sees it, the same request without faults, and close()
//               with a request left hanging by the timeout fault
// Usage: npm run bench:timings -- [samples=30] [only=login,ssrf,webhook,check,simulator]
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { hashPassword, verifyAdminCredentials } from '../api/adminAccounts.js';
import { deliverWebhook, newWebhookSecret } from '../alerting/delivery/index.js';
import type { Db } from '../platform/db.js';
import { createEgress, originEntry } from '../platform/egress/index.js';
import { httpCheck } from '../producers/checks/http.js';
import { runCheck, type CheckEnv } from '../producers/runCheck.js';
import { startSimulator } from '../simulator/providerSimulator.js';

const usage = `usage: npm run bench:timings -- [samples=30] [only=login,ssrf,webhook,check,simulator]
Prints min / p50 / p90 / max in ms per figure (and the login ratio).`;
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(usage);
  process.exit(0);
}
const samples = Number(process.argv[2] ?? 30);
const only = new Set((process.argv[3] ?? 'login,ssrf,webhook,check,simulator').split(','));
if (!Number.isInteger(samples) || samples < 1) {
  console.error(usage);
  process.exit(2);
}

const rows: { group: string; figure: string; ms: number[]; note?: string }[] = [];
const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
const median = (xs: number[]): number => quantile([...xs].sort((a, b) => a - b), 0.5);
const say = (s: string) => process.stdout.write(`${s}\n`);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function measure(group: string, figure: string, fn: () => Promise<unknown>, note?: string, n = samples): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) ms.push(await time(fn));
  rows.push({ group, figure, ms, note });
  return ms;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function closeServer(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
}

async function login(): Promise<void> {
  // The login route's work minus HTTP: one SELECT (answered at once here) and one scrypt.
  const known = { id: randomUUID(), email: 'known@example.test', password_hash: await hashPassword('the-right-password') };
  const db = {
    query: async (_sql: string, params: unknown[]) => ({ rows: params[0] === known.email ? [known] : [], rowCount: params[0] === known.email ? 1 : 0 }),
  } as unknown as Db;
  await verifyAdminCredentials(db, 'warm-up@example.test', 'x'); // the decoy hash is made once, ahead of the first login
  const wrong: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < samples; i++) {
    // Interleaved, so drift in machine load hits both alike.
    wrong.push(await time(() => verifyAdminCredentials(db, known.email, 'not-the-password-at-all')));
    unknown.push(await time(() => verifyAdminCredentials(db, `nobody-${i}@example.test`, 'not-the-password-at-all')));
  }
  rows.push({ group: 'login', figure: 'wrong password, known email', ms: wrong });
  rows.push({ group: 'login', figure: 'unknown email (decoy hash)', ms: unknown, note: `p50 ratio unknown/known ${(median(unknown) / median(wrong)).toFixed(2)}` });
}

async function ssrf(): Promise<void> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => { req.resume(); res.end('ok'); });
  server.on('connection', (s) => { connections++; sockets.add(s); });
  const port = await listen(server);
  const options = { timeoutMs: 2000, maxAttempts: 3, retryBaseMs: 1, allowPrivate: [], sleep: async () => {} };
  const secret = newWebhookSecret();
  const message = { id: 'bench:ssrf', body: { hello: 'world' } };
  try {
    await measure('ssrf', 'refuse http://127.0.0.1 (literal)', () => deliverWebhook({ url: `http://127.0.0.1:${port}/hook`, secret }, message, options));
    await measure('ssrf', 'refuse http://localhost (DNS lookup)', () => deliverWebhook({ url: `http://localhost:${port}/hook`, secret }, message, options));
    await measure('ssrf', 'refuse 169.254.169.254 (metadata)', () => deliverWebhook({ url: 'http://169.254.169.254/latest/meta-data/', secret }, message, options));
    if (connections !== 0) throw new Error(`the loopback listener saw ${connections} connections`);
  } finally {
    await closeServer(server, sockets);
  }
}

async function webhook(): Promise<void> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req) => { req.resume(); }); // reads the request, never answers
  server.on('connection', (s) => sockets.add(s));
  const port = await listen(server);
  const options = { timeoutMs: 200, maxAttempts: 2, retryBaseMs: 1000, allowPrivate: ['127.0.0.1'], sleep: async () => {} };
  try {
    await measure('webhook', 'never answers: 2 × timeout 200', async () => {
      const r = await deliverWebhook({ url: `http://127.0.0.1:${port}/hook`, secret: newWebhookSecret() }, { id: 'bench:timeout', body: {} }, options);
      if (r.outcome !== 'failed' || r.reason !== 'timed out') throw new Error(`unexpected result ${JSON.stringify(r)}`);
    }, 'ideal 400', Math.min(samples, 15));
  } finally {
    await closeServer(server, sockets);
  }
}

async function check(): Promise<void> {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((s) => { sockets.add(s); s.on('error', () => undefined); }); // accepts, never answers
  const port = await listen(silent);
  // The egress policy opens exactly the local server each figure checks.
  const env = (timeoutMs: number, url: string): CheckEnv => {
    const open = createEgress({ allow: [originEntry(url)] });
    return { timeoutMs, endpoints: { googleApis: '', slackApi: '' }, network: { targets: open, providers: open }, now: Date.now, monotonic: () => performance.now(), newId: randomUUID };
  };
  const integration = (url: string) => ({ integrationId: 'i', userId: 'u', provider: 'http', config: { url }, checkIntervalSeconds: 60 });
  try {
    const reported: number[] = [];
    await measure('check', 'silent server, deadline 300 (wall)', async () => {
      const e = await runCheck(integration(`http://127.0.0.1:${port}/`), httpCheck, 'scheduled', env(300, `http://127.0.0.1:${port}/`));
      if (e.error?.code !== 'timeout') throw new Error(`unexpected result ${JSON.stringify(e.error)}`);
      reported.push(e.durationMs);
    }, 'ideal 300', Math.min(samples, 15));
    rows.push({ group: 'check', figure: '  … its durationMs', ms: reported });
  } finally {
    await closeServer(silent, sockets);
  }
  // A refused port: held as the local end of a connection of ours, so nothing listens on it.
  const holder = net.createServer((s) => { sockets.add(s); s.on('error', () => undefined); });
  const client = net.connect(await listen(holder), '127.0.0.1');
  await new Promise((resolve) => client.once('connect', resolve));
  try {
    await measure('check', 'refused connection', async () => {
      const e = await runCheck(integration(`http://127.0.0.1:${client.localPort}/`), httpCheck, 'scheduled', env(2000, `http://127.0.0.1:${client.localPort}/`));
      if (e.error?.code !== 'connection_refused') throw new Error(`unexpected result ${JSON.stringify(e.error)}`);
    });
  } finally {
    client.destroy();
    await closeServer(holder, sockets);
  }
}

async function simulator(): Promise<void> {
  const sim = await startSimulator();
  try {
    const a = sim.createAccount({ provider: 'gmail' });
    const profile = () => fetch(`${sim.url}/gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${a.accessToken}` } }).then((r) => r.arrayBuffer());
    sim.setFaults(a.account, { latencyMs: 250 });
    await measure('simulator', 'latencyMs 250', profile, 'ideal 250', Math.min(samples, 15));
    sim.setFaults(a.account, {});
    await measure('simulator', 'no faults', profile);
  } finally {
    await sim.close();
  }
  const closes: number[] = [];
  for (let i = 0; i < Math.min(samples, 15); i++) {
    const own = await startSimulator();
    const a = own.createAccount({ provider: 'gmail' });
    own.setFaults(a.account, { timeout: true });
    const pending = fetch(`${own.url}/gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${a.accessToken}` } }).then(() => 'answered', () => 'failed');
    while (own.requests(a.account).length === 0) await new Promise((resolve) => setImmediate(resolve));
    closes.push(await time(() => own.close()));
    if ((await pending) !== 'failed') throw new Error('the hanging request was answered');
  }
  rows.push({ group: 'simulator', figure: 'close() with a hanging request', ms: closes });
}

const benches: Record<string, () => Promise<void>> = { login, ssrf, webhook, check, simulator };
for (const [name, run] of Object.entries(benches)) {
  if (!only.has(name)) continue;
  process.stderr.write(`measuring ${name}…\n`);
  await run();
}

say(`\ntimings in ms (${samples} samples unless fewer are shown; one process, loopback, this machine as loaded as it is)`);
say(`  ${'figure'.padEnd(42)} ${'n'.padStart(3)} ${'min'.padStart(7)} ${'p50'.padStart(7)} ${'p90'.padStart(7)} ${'max'.padStart(7)}`);
let group = '';
for (const r of rows) {
  if (r.group !== group) say(`${(group = r.group)}`);
  const s = [...r.ms].sort((x, y) => x - y);
  const f = (v: number) => v.toFixed(1).padStart(7);
  say(`  ${r.figure.padEnd(42)} ${String(s.length).padStart(3)} ${f(s[0] as number)} ${f(quantile(s, 0.5))} ${f(quantile(s, 0.9))} ${f(s.at(-1) as number)}${r.note ? `   ${r.note}` : ''}`);
}
