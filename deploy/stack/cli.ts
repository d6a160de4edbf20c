// `npm run stack:up | stack:down | stack:status` — the local Kafka + schema registry + PostgreSQL.
import { parseArgs } from 'node:util';
import { KAFKA, LOGS, POSTGRES, REGISTRY, STATE } from './paths.js';
import { ensureStackUp, stackDown, stackStatus } from './stack.js';
import type { ServiceStatus } from './types.js';

const USAGE = `Usage: tsx deploy/stack/cli.ts <command> [options]
       npm run stack:up | stack:down | stack:status

Commands:
  up       Start PostgreSQL (or use DATABASE_URL / 127.0.0.1:5432), then Kafka and the schema
           registry; reuses whatever already runs. Writes ${STATE}/stack.json.
           npm run stack:up -- --brokers 3   for a 3-node Kafka cluster
  down     Stop what this stack started (never a PostgreSQL it did not start).
  status   Show each service, its address and whether it is up. Exit code 0 if all are up.

Options:
      --brokers <n>  up: 1 (default) or 3 Kafka nodes. 3 = a 3-voter KRaft quorum on ports
                     ${KAFKA.port}, ${KAFKA.port + 2}, ${KAFKA.port + 4} (controllers ${KAFKA.port + 1}, ${KAFKA.port + 3}, ${KAFKA.port + 5}), data in ${KAFKA.clusterDir(3)};
                     replication factor 3, min.insync.replicas 2 (stack.json: replicationFactor).
                     Without it, up reuses the Kafka that runs. Switching between 1 and 3 takes
                     a stack:down first (each keeps its own data).
  -q, --quiet        Only errors and the final result (up/down)
      --json         Machine-readable output (up, status)
  -h, --help         This help

Services:
  kafka      Apache Kafka 3.9 (KRaft, single node)  127.0.0.1:${KAFKA.port} (controller ${KAFKA.controllerPort}); --brokers 3: see above
  registry   Apicurio Registry ${REGISTRY.version}, Confluent API      http://127.0.0.1:${REGISTRY.port}/apis/ccompat/v7
  postgres   DATABASE_URL, else postgres://postgres@127.0.0.1:5432, else a local server on port ${POSTGRES.localPort}
State and logs: ${STATE} (logs in ${LOGS}; a cluster's in ${KAFKA.clusterDir(3)}/node-<id>/kafka.log).
Reset: stack:down, then delete ${STATE}.`;

function printStatus(rows: ServiceStatus[]): void {
  for (const r of rows) {
    const who = r.managed ? `started by stack${r.pid ? `, pid ${r.pid}` : ''}` : 'external';
    const label = r.nodes ? r.note ?? `${r.nodes.length} nodes` : who;
    process.stdout.write(`${r.service.padEnd(9)} ${(r.up ? 'up' : 'down').padEnd(5)} ${r.address.padEnd(40)} ${r.up || r.managed || r.nodes ? `(${label})` : ''}\n`);
    for (const n of r.nodes ?? []) {
      process.stdout.write(`  node ${String(n.id).padEnd(2)} ${(n.up ? 'up' : 'down').padEnd(5)} ${n.address.padEnd(40)} ${n.pid ? `(pid ${n.pid})` : ''}\n`);
    }
  }
}

/** --brokers: 1 or 3 (what the docs and stack.json's replicationFactor promise). */
function brokersOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value !== '1' && value !== '3') throw new UsageError(`--brokers takes 1 or 3, not ${value}`);
  return Number(value);
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      quiet: { type: 'boolean', short: 'q' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      brokers: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const quiet = values.quiet ?? false;
  let brokers: number | undefined;
  try {
    brokers = brokersOption(values.brokers);
    if (brokers !== undefined && command !== 'up') throw new UsageError('--brokers only goes with up');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  switch (command) {
    case 'up': {
      const start = Date.now();
      const info = await ensureStackUp({ quiet, brokers });
      const took = ((Date.now() - start) / 1000).toFixed(1);
      if (values.json) {
        process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      } else {
        process.stdout.write(
          `Stack up in ${took}s\n` +
            `  kafka     ${info.kafkaBrokers.join(',')} (replication factor ${info.replicationFactor})\n` +
            `  registry  ${info.schemaRegistryUrl}\n` +
            `  database  ${info.databaseUrl}\n` +
            `  test db   ${info.testDatabaseUrl}\n`,
        );
      }
      return 0;
    }
    case 'down': {
      const stopped = await stackDown({ quiet });
      process.stdout.write(stopped.length ? `Stopped: ${stopped.join(', ')}\n` : 'Nothing of this stack was running.\n');
      return 0;
    }
    case 'status': {
      const rows = await stackStatus();
      if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else printStatus(rows);
      return rows.every((r) => r.up) ? 0 : 1;
    }
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${USAGE}\n`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`\nstack: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
