// Prints line coverage of the server code per top-level folder, from the json-summary that c8
// writes at the end of `npm test` (coverage/server/coverage-summary.json). `.ci/run` calls it so
// every CI log shows where coverage stands, not just the gate's pass or fail.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../platform/config.js';

interface Totals { total: number; covered: number }
type Summary = Record<string, { lines: Totals }>;

const file = path.join(projectRoot, 'coverage', 'server', 'coverage-summary.json');

export function linesByFolder(summary: Summary, root: string): Map<string, Totals> {
  const out = new Map<string, Totals>();
  for (const [name, figures] of Object.entries(summary)) {
    if (name === 'total') continue;
    const rel = path.relative(root, name).split(path.sep);
    // deploy/ holds one runnable part (the local stack): name it by its subfolder.
    const folder = rel[0] === 'deploy' && rel.length > 2 ? `${rel[0]}/${rel[1]}` : rel.length > 1 ? (rel[0] as string) : '.';
    const t = out.get(folder) ?? { total: 0, covered: 0 };
    t.total += figures.lines.total;
    t.covered += figures.lines.covered;
    out.set(folder, t);
  }
  return out;
}

const pct = (t: Totals) => (t.total === 0 ? 100 : (100 * t.covered) / t.total);
const bar = (p: number) => '█'.repeat(Math.round(p / 5)).padEnd(20, '·');

function main(): void {
  if (!existsSync(file)) {
    console.log('coverage: no server figures (coverage/server/coverage-summary.json is written by `npm test`)');
    return;
  }
  const summary = JSON.parse(readFileSync(file, 'utf8')) as Summary & { total: { lines: Totals } };
  const rows = [...linesByFolder(summary, projectRoot)].sort(([a], [b]) => a.localeCompare(b));
  console.log('coverage: server code, lines covered by npm test (child processes included)');
  for (const [folder, t] of rows) {
    console.log(`  ${folder.padEnd(14)} ${bar(pct(t))} ${pct(t).toFixed(1).padStart(5)} %  ${String(t.covered).padStart(5)} / ${t.total}`);
  }
  const total = summary.total.lines;
  console.log(`  ${'all'.padEnd(14)} ${bar(pct(total))} ${pct(total).toFixed(1).padStart(5)} %  ${String(total.covered).padStart(5)} / ${total.total}  (gate: 90 %)`);
}

main();
