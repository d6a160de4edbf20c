// `pulse replay <projection>`: rebuild a projection from the log with a live progress bar.
// Audited as `replay.start` (cli/audit.ts): refused when the audit trail cannot be reached.
import type { Command } from 'commander';
import { startReplay, type ReplayProgress } from '../consumers/replay.js';
import { loadConfig } from '../platform/config.js';
import { createRuntime, prepare, type Runtime } from '../platform/runtime.js';
import type { Projection } from '../projections/projection.js';
import { allProjections } from './roles.js';
import { audited } from './audit.js';

function bar(p: ReplayProgress, width = 30): string {
  const ratio = p.total ? Math.min(1, p.processed / p.total) : 1;
  const filled = Math.round(ratio * width);
  const eta = p.etaSeconds === null ? '?' : `${p.etaSeconds}s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${p.processed}/${p.total} events  ${p.eventsPerSecond}/s  ETA ${eta}  ${p.state}`;
}

export function registerReplayCommand(program: Command): void {
  program.command('replay')
    .description('rebuild a projection from the earliest offset into new tables, then switch them in atomically (the live one keeps serving meanwhile); status rules come from the current config')
    .argument('<projection>', 'integrations | integration_health | health_history')
    .action(async (name: string) => {
      const rt = createRuntime(loadConfig(), 'pulse-replay');
      try {
        const projection = allProjections(rt).find((p) => p.name === name);
        if (!projection) throw new Error(`unknown projection "${name}"; choose one of: ${allProjections(rt).map((p) => p.name).join(', ')}`);
        await rebuild(rt, projection, name);
      } finally {
        await rt.close();
      }
    });
}

async function rebuild(rt: Runtime, projection: Projection<any>, name: string): Promise<void> {
  await prepare(rt);
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const show = (p: ReplayProgress, final = false) => {
    if (tty) process.stderr.write(`\r${bar(p)}${final ? '\n' : ''}`);
    else if (final || Date.now() - lastLine > 2000) {
      lastLine = Date.now();
      process.stderr.write(`${bar(p)}\n`);
    }
  };
  // Recorded once started, as the portal records it (POST /api/admin/replays).
  const replay = await audited(rt.config, `replay ${name}`, 'replay.start', name, () => startReplay(projection, rt, (p) => show(p)));
  const result = await replay.done;
  show(result, true);
  if (result.state !== 'done') throw new Error(`replay failed: ${result.error}`);
  process.stderr.write(`${name} rebuilt from ${result.total} events and switched in.\n`);
}
