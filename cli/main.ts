// `pulse` — the command line of the project (`npm run pulse -- <command>`).
import { Command, InvalidArgumentError } from 'commander';
import { issueUserToken } from '../api/auth.js';
import { ConfigError, loadConfig } from '../platform/config.js';
import { migrate } from '../platform/db.js';
import { createRuntime, prepare } from '../platform/runtime.js';
import { startProbeServer } from './probeServer.js';
import { ensureDevSecrets } from './devSecrets.js';
import { registerDlqCommands } from './dlq.js';
import { registerReplayCommand } from './replay.js';
import { registerCredentialCommands } from './credentials.js';
import { registerAdminCommands } from './admin.js';
import { runRetention, startAlerting, startApi, startProjectors, startWorker, stopOnSignal, type Stoppable } from './roles.js';
import { runDemo } from './start.js';

const program = new Command('pulse')
  .description('Pulse: integration health monitoring, event-sourced on Kafka')
  .showHelpAfterError()
  // Local defaults for secrets (git-ignored .stack/dev-secrets.json); the environment always wins.
  .hook('preAction', () => ensureDevSecrets());

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
};

program.command('start')
  .description('start the local stack and every role with demo data (what `npm start` runs)')
  .action(async () => runDemo());

async function runRoles(service: string, start: (rt: ReturnType<typeof createRuntime>) => Promise<Stoppable[]>, opts: { servesProbes?: boolean } = {}) {
  const rt = createRuntime(loadConfig(), service);
  // Probes answer from the start (readiness says what is still missing), also while waiting for dependencies.
  const probes = !opts.servesProbes && rt.config.probePort !== undefined ? [await startProbeServer(rt, rt.config.probePort)] : [];
  await prepare(rt);
  stopOnSignal(rt, [...probes, ...(await start(rt))]);
}

program.command('api').description('serve the REST API').action(() => runRoles('pulse-api', async (rt) => [await startApi(rt)], { servesProbes: true }));
program.command('worker').description('run a check worker (joins the worker consumer group)').action(() => runRoles('pulse-worker', async (rt) => [await startWorker(rt)]));
program.command('projector')
  .description('run projectors (all, or the named ones: integrations, integration_health)')
  .argument('[names...]', 'projection names')
  .action((names: string[]) => runRoles('pulse-projector', async (rt) => [await startProjectors(rt, names)]));
program.command('all')
  .description('run API, worker and projectors in one process (no stack, no demo data)')
  .action(() => runRoles('pulse', async (rt) => [await startProjectors(rt), await startWorker(rt), await startAlerting(rt), await startApi(rt)], { servesProbes: true }));
program.command('alerts')
  .description('run the alert evaluator (one active per deployment, others stand by) and the notifier (email, webhooks)')
  .action(() => runRoles('pulse-alerts', async (rt) => [await startAlerting(rt)]));

program.command('migrate').description('apply pending database migrations').action(async () => {
  const applied = await migrate(loadConfig().databaseUrl);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
});

program.command('cleanup')
  .description('apply retention now: drop history older than HISTORY_RETENTION_DAYS, old hourly rollups; create partitions ahead')
  .action(async () => {
    const rt = createRuntime(loadConfig(), 'pulse-cleanup');
    try {
      await runRetention(rt);
    } finally {
      await rt.close();
    }
  });

const tokenCommands = [
  { name: 'token', what: 'a user bearer token (for demos and tests)', subject: '<userId>', issue: issueUserToken, ttl: 24 * 3600 },
];
for (const t of tokenCommands) {
  program.command(t.name)
    .description(`print ${t.what}`)
    .argument(t.subject, 'who the token is for (its `sub`)')
    .option('--ttl <seconds>', 'lifetime in seconds', positiveInt, t.ttl)
    .option('--email <address>', "the user's email (its `email` claim): where alerts about their integrations are mailed")
    .action((subject: string, opts: { ttl: number; email?: string }) => {
      ensureDevSecrets();
      const config = loadConfig();
      // The API refuses a token that lives longer (docs/security.md#user-tokens): say so now.
      if (opts.ttl > config.auth.userTokenMaxLifetimeSeconds) throw new Error(`--ttl: at most ${config.auth.userTokenMaxLifetimeSeconds} s (USER_TOKEN_MAX_LIFETIME_HOURS)`);
      console.log(t.issue(config.auth.jwtSecret, subject, opts.ttl, opts.email));
    });
}

registerDlqCommands(program);
registerReplayCommand(program);
registerCredentialCommands(program);
registerAdminCommands(program);

program.parseAsync().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(`pulse: ${err?.message ?? err}`);
  process.exit(1);
});
