// `pulse dlq` (what the dead-letter topics hold) and `pulse dlq redrive <topic>` (send them
// back to their source topic after the cause is fixed). Same logic as /api/admin/dead-letters;
// a re-drive is audited (cli/audit.ts) and refused when the audit trail cannot be reached.
import { Argument, type Command } from 'commander';
import { deadLetterSources, deadLetterSummary, redriveDeadLetters, type DeadLetterCount } from '../consumers/deadLetterAdmin.js';
import { loadConfig } from '../platform/config.js';
import { createRuntime, type Runtime } from '../platform/runtime.js';
import type { TopicKey } from '../platform/topics.js';
import { audited } from './audit.js';

async function withRuntime(run: (rt: Runtime) => Promise<void>): Promise<void> {
  const rt = createRuntime(loadConfig(), 'pulse-dlq');
  try {
    await run(rt);
  } finally {
    await rt.close();
  }
}

function summaryTable(rows: DeadLetterCount[]): string {
  const lines = [['topic', 'dead-letter topic', 'pending', 'total'], ...rows.map((r) => [r.topic, r.dlqTopic, String(r.pending), String(r.total)])];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  // Text left-aligned, counts right-aligned.
  return lines.map((l) => l.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

export function registerDlqCommands(program: Command): void {
  const dlq = program.command('dlq')
    .description('show how many dead letters each topic holds and how many are not re-driven yet')
    .action(() => withRuntime(async (rt) => console.log(summaryTable(await deadLetterSummary(rt)))));

  dlq.command('redrive')
    .description('send every dead letter not re-driven yet back to its source topic (after fixing the cause)')
    .addArgument(new Argument('<topic>', 'source topic').choices(deadLetterSources))
    .action((topic: TopicKey) => withRuntime(async (rt) => {
      const n = await audited(rt.config, `dlq redrive ${topic}`, 'dead_letters.redrive', topic, () => redriveDeadLetters(rt, topic));
      console.log(`re-drove ${n} record${n === 1 ? '' : 's'} from ${rt.topics.dlq(rt.topics[topic])} to ${rt.topics[topic]}`);
    }));
}
