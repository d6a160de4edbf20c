// `npm run chaos`: the fault suite's scenarios, longer and with many faults at random but
// seeded moments, on the same world (three brokers, a Postgres and a registry of its own).
// Each scenario ends with the ledger (see support/scenario.ts) and the table says, per
// scenario, how many facts were produced, lost, duplicated and dead-lettered, and how long
// Pulse took to recover after each fault healed. Recovery is printed, never asserted.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ensureDevSecrets } from '../../cli/devSecrets.js';
import { ensureStackUp } from '../../deploy/stack/index.js';
import { kill, seededRandom, type PulseProcess } from '../support/processes.js';
import { connectCheckLoad, openScenario, settleLedger, type CheckLoad, type Ledger, type Scenario } from './support/scenario.js';
import { faultWorld, stopFaultWorld, type FaultWorld } from './support/world.js';

const USAGE = `Usage: npm run chaos -- [options]

Runs each fault scenario for a while against a world of its own (3 KRaft brokers, Postgres,
schema registry) with 200 HTTP integrations checked every second, then prints:
scenario | faults | facts produced | lost | duplicated | dead-lettered | recovery

Options:
  --minutes <n>     how long each scenario injects faults (default 3)
  --seed <n>        replay the random timing of an earlier run (default: printed at start)
  --only <name>     run one scenario: ${'${names}'}
  -h, --help        this help`;

interface Row {
  scenario: string;
  faults: number;
  ledger: Ledger;
  recoveriesMs: number[];
}

interface Context {
  s: Scenario;
  load: CheckLoad;
  projector: PulseProcess;
  worker: PulseProcess;
  world: FaultWorld;
  until: number;
  random: () => number;
  /** Waits a random time in [minMs, maxMs). */
  pause(minMs: number, maxMs: number): Promise<void>;
  /** Time from `healedAt` until every check served before it is in history. */
  recovered(healedAt: number): Promise<number>;
  say(line: string): void;
}

type Chaos = (c: Context) => Promise<number[]>;

const served = (load: CheckLoad) => load.integrations.reduce((n, id) => n + load.target.hits(id), 0);

const scenarios: Record<string, Chaos> = {
  /** One broker at a time SIGKILLed and restarted. */
  'broker kills': async (c) => {
    const out: number[] = [];
    while (Date.now() < c.until) {
      await c.pause(5_000, 15_000);
      const node = c.world.kafka.nodes[Math.floor(c.random() * c.world.kafka.nodes.length)]!;
      await c.world.kafka.kill(node.id);
      await c.pause(5_000, 20_000);
      await c.world.kafka.start(node.id);
      out.push(await c.recovered(Date.now()));
    }
    return out;
  },
  /** Every broker stopped for 30–120 s, twice or more. */
  'all brokers down': async (c) => {
    const out: number[] = [];
    while (Date.now() < c.until) {
      await c.pause(10_000, 20_000);
      await c.world.kafka.stopAll();
      await c.pause(30_000, 120_000);
      await Promise.all(c.world.kafka.nodes.map((n) => c.world.kafka.start(n.id)));
      out.push(await c.recovered(Date.now()));
    }
    return out;
  },
  /** Postgres SIGKILLed while a projector transaction is open, restarted after a few seconds. */
  'postgres kills': async (c) => {
    const out: number[] = [];
    while (Date.now() < c.until) {
      await c.pause(3_000, 10_000);
      await c.projector.logged((l) => l.msg === 'projector batch applied, not committed' && Number(l.records) > 0, 120_000);
      await c.world.postgres.kill();
      await c.pause(2_000, 10_000);
      await c.world.postgres.start();
      out.push(await c.recovered(Date.now()));
    }
    return out;
  },
  /** Every Postgres connection cut mid-transaction, again and again. */
  'connection drops': async (c) => {
    const out: number[] = [];
    while (Date.now() < c.until) {
      await c.pause(500, 5_000);
      await c.projector.logged((l) => l.msg === 'projector batch applied, not committed' && Number(l.records) > 0, 120_000);
      c.world.postgresProxy.dropAll();
      out.push(await c.recovered(Date.now()));
    }
    return out;
  },
  /** The registry unreachable for 20–60 s at a time. */
  'registry outages': async (c) => {
    const out: number[] = [];
    while (Date.now() < c.until) {
      await c.pause(5_000, 15_000);
      c.world.registryProxy.setTarget(undefined);
      c.world.registryProxy.dropAll();
      await c.pause(20_000, 60_000);
      c.world.registryProxy.setTarget({ host: '127.0.0.1', port: c.world.registry.port });
      out.push(await c.recovered(Date.now()));
    }
    return out;
  },
  /** The projector process SIGKILLed mid-batch and restarted. */
  'projector kills': async (c) => {
    const out: number[] = [];
    while (Date.now() < c.until) {
      await c.pause(3_000, 10_000);
      await c.projector.logged((l) => l.msg === 'projector batch applied, not committed' && Number(l.records) > 0, 120_000);
      await kill(c.projector);
      c.projector = c.s.start(['projector'], {}, 'debug');
      out.push(await c.recovered(Date.now()));
    }
    return out;
  },
};

async function runScenario(world: FaultWorld, name: string, chaos: Chaos, minutes: number, seed: number): Promise<Row> {
  const say = (line: string) => process.stderr.write(`[${name}] ${line}\n`);
  const random = seededRandom(seed);
  const s = await openScenario(world, `chaos ${name}`, { LOG_LEVEL: 'warn' });
  const load = await connectCheckLoad(s, 200, 1);
  const c: Context = {
    s, load, world, random: () => random.next(), say,
    projector: s.start(['projector'], {}, 'debug'),
    worker: s.start(['worker']),
    until: 0,
    pause: (minMs, maxMs) => new Promise((r) => setTimeout(r, minMs + (maxMs - minMs) * random.next())),
    async recovered(healedAt) {
      const owed = served(load);
      for (;;) {
        const { rows } = await s.rt.db.query('SELECT count(*) AS n FROM integration_health_history').catch(() => ({ rows: [{ n: 0 }] }));
        if (Number(rows[0].n) >= owed * 0.98) return Date.now() - healedAt; // in-flight checks aside
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
  try {
    const ticker = setInterval(() => say(`${served(load).toLocaleString()} checks so far`), 15_000);
    c.until = Date.now() + minutes * 60_000;
    let recoveries: number[];
    try {
      recoveries = await chaos(c);
    } finally {
      clearInterval(ticker);
    }
    say('faults over; stopping the worker and settling the ledger');
    await kill(c.worker, 'SIGTERM');
    const ledger = await settleLedger(s, load, 600_000);
    return { scenario: name, faults: recoveries.length, ledger, recoveriesMs: recoveries };
  } finally {
    await s.drop();
    await load.close();
  }
}

function table(rows: Row[]): string {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    '| scenario | faults | facts produced | lost | duplicated | dead-lettered | recovery (median / max) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.scenario} | ${r.faults} | ${r.ledger.produced.toLocaleString('en')} | ${r.ledger.lost} | ${r.ledger.duplicated} | ${r.ledger.deadLettered} | ${secs(median(r.recoveriesMs))} / ${secs(Math.max(0, ...r.recoveriesMs))} |`),
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { minutes: { type: 'string', default: '3' }, seed: { type: 'string' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE.replace('${names}', Object.keys(scenarios).join(', '))}\n`);
    return 0;
  }
  const minutes = Number(values.minutes);
  const seed = Number(values.seed ?? Date.now() % 2 ** 31);
  const chosen = values.only ? [values.only] : Object.keys(scenarios);
  for (const name of chosen) if (!scenarios[name]) throw new Error(`no scenario "${name}"; there are: ${Object.keys(scenarios).join(', ')}`);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error('--minutes must be a positive number');
  process.stderr.write(`chaos: ${chosen.length} scenario(s), ${minutes} min each, seed ${seed} (replay with --seed ${seed})\n`);

  ensureDevSecrets();
  const stack = await ensureStackUp({ quiet: true });
  const storage = `pulse_chaos_registry_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: stack.testDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${storage}`);
  const storageUrl = new URL(stack.testDatabaseUrl);
  storageUrl.pathname = `/${storage}`;
  const rows: Row[] = [];
  try {
    const world = await faultWorld({ registryStorageUrl: storageUrl.toString(), quiet: false });
    for (const name of chosen) {
      const row = await runScenario(world, name, scenarios[name]!, minutes, seed);
      rows.push(row);
      process.stderr.write(`[${name}] done: ${JSON.stringify({ ...row.ledger, disagreements: row.ledger.disagreements.length })}\n`);
    }
  } finally {
    await stopFaultWorld();
    await admin.query(`DROP DATABASE IF EXISTS ${storage} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
  process.stdout.write(`\n${table(rows)}\n\nseed ${seed}\n`);
  const bad = rows.filter((r) => r.ledger.lost || r.ledger.duplicated || r.ledger.deadLettered || r.ledger.disagreements.length);
  for (const r of bad) process.stdout.write(`\n${r.scenario}: ${r.ledger.disagreements.slice(0, 10).join('\n  ')}\n`);
  return bad.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chaos: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
