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
  down     Stop what this stack started (never a PostgreSQL it did not start).
  status   Show each service, its address and whether it is up. Exit code 0 if all are up.

Options:
  -q, --quiet   Only errors and the final result (up/down)
      --json    Machine-readable output (up, status)
  -h, --help    This help

Services:
  kafka      Apache Kafka 3.9 (KRaft, single node)  127.0.0.1:${KAFKA.port} (controller ${KAFKA.controllerPort})
  registry   Apicurio Registry ${REGISTRY.version}, Confluent API      http://127.0.0.1:${REGISTRY.port}/apis/ccompat/v7
  postgres   DATABASE_URL, else postgres://postgres@127.0.0.1:5432, else a local server on port ${POSTGRES.localPort}
State and logs: ${STATE} (logs in ${LOGS}). Reset: stack:down, then delete ${STATE}.`;

function printStatus(rows: ServiceStatus[]): void {
  for (const r of rows) {
    const who = r.managed ? `started by stack${r.pid ? `, pid ${r.pid}` : ''}` : 'external';
    process.stdout.write(`${r.service.padEnd(9)} ${(r.up ? 'up' : 'down').padEnd(5)} ${r.address.padEnd(40)} ${r.up || r.managed ? `(${who})` : ''}\n`);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      quiet: { type: 'boolean', short: 'q' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const quiet = values.quiet ?? false;
  switch (command) {
    case 'up': {
      const start = Date.now();
      const info = await ensureStackUp({ quiet });
      const took = ((Date.now() - start) / 1000).toFixed(1);
      if (values.json) {
        process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      } else {
        process.stdout.write(
          `Stack up in ${took}s\n` +
            `  kafka     ${info.kafkaBrokers.join(',')}\n` +
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
