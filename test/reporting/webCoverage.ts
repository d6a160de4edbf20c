// The web app's line coverage from the last e2e run: the browser coverage the e2e pages wrote to
// coverage/web-raw/ (test/support/browserCoverage.ts) is mapped through the build's source maps
// (web/dist/assets/*.js.map, vite `build.sourcemap: 'hidden'`) back to web/src, with
// v8-to-istanbul as c8 does for Node. Chunks no page loaded count as not run at all, so every
// file of web/src that the build contains is in the figure. Writes coverage/web/
// (coverage-summary.json and an HTML report) and prints lines % for web/src and per folder.
// Usage: tsx test/reporting/webCoverage.ts   (after the e2e tests; exits 0 when there is nothing to report)
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import libCoverage, { type CoverageMap } from 'istanbul-lib-coverage';
import libReport from 'istanbul-lib-report';
import reports from 'istanbul-reports';
import v8ToIstanbul from 'v8-to-istanbul';
import { projectRoot } from '../../platform/config.js';
import { rawWebCoverageDir, type RawScriptCoverage } from '../support/browserCoverage.js';

const dist = path.join(projectRoot, 'web', 'dist');
const webSrc = path.join(projectRoot, 'web', 'src') + path.sep;
const reportDir = path.join(projectRoot, 'coverage', 'web');

/** Raw entries per chunk file (web/dist/assets/…js), from every page of the run. */
function readRaw(): Map<string, RawScriptCoverage['functions'][]> {
  const byChunk = new Map<string, RawScriptCoverage['functions'][]>();
  const files = existsSync(rawWebCoverageDir) ? readdirSync(rawWebCoverageDir).filter((f) => f.endsWith('.json')) : [];
  for (const f of files) {
    for (const entry of JSON.parse(readFileSync(path.join(rawWebCoverageDir, f), 'utf8')) as RawScriptCoverage[]) {
      const chunk = path.join(dist, new URL(entry.url).pathname);
      byChunk.set(chunk, [...(byChunk.get(chunk) ?? []), entry.functions]);
    }
  }
  return byChunk;
}

/**
 * One chunk's coverage of web/src files; `runs` empty = the chunk never ran. v8-to-istanbul
 * starts every line of every source at 1 and lowers what the reported ranges say did not run,
 * which is right only when the report has the script's own top-level range (so every function
 * compiled from it is listed, run or not). A document's scripts die with it, and V8 then keeps
 * only the functions still referenced: such a report lacks the top-level range, and so does a
 * chunk no page loaded. There every line starts at 0 and only the reported functions count.
 */
async function chunkCoverage(chunk: string, runs: RawScriptCoverage['functions'][]): Promise<CoverageMap> {
  const source = readFileSync(chunk, 'utf8');
  const sourcemap = JSON.parse(readFileSync(`${chunk}.map`, 'utf8'));
  // v8-to-istanbul asks with the map's own (relative) source paths as well as resolved ones.
  const outsideSrc = (file: string) => !path.resolve(path.dirname(chunk), file).startsWith(webSrc);
  const map = libCoverage.createCoverageMap({});
  for (const functions of runs.length ? runs : [[]]) {
    const converter = v8ToIstanbul(chunk, 0, { source, originalSource: '', sourceMap: { sourcemap } }, outsideSrc);
    await converter.load();
    const whole = functions.some((f) => f.ranges[0]?.startOffset === 0 && f.ranges[0].endOffset >= source.length);
    if (!whole) for (const { source: original } of (converter as unknown as Converted).covSources) for (const line of original.lines) line.count = 0;
    converter.applyCoverage(functions);
    map.merge(converter.toIstanbul());
  }
  return map;
}

/** v8-to-istanbul's per-source line counts (not in its types). */
interface Converted {
  covSources: { source: { lines: { count: number }[] } }[];
}

const pct = (covered: number, total: number) => (total ? `${((100 * covered) / total).toFixed(1)} %` : '—');

async function main(): Promise<void> {
  const raw = readRaw();
  if (!raw.size) {
    console.log(`No web coverage to report: ${path.relative(projectRoot, rawWebCoverageDir)}/ is empty (the e2e tests write it: npm run test:e2e).`);
    return;
  }
  const chunks = existsSync(path.join(dist, 'assets')) ? readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.js')).map((f) => path.join(dist, 'assets', f)) : [];
  const stale = [...raw.keys()].filter((c) => !chunks.includes(c));
  if (stale.length === raw.size) {
    console.log('No web coverage to report: the recorded chunks are not in web/dist any more (rebuilt since the e2e run): run the e2e tests again.');
    return;
  }
  const unmapped = chunks.filter((c) => !existsSync(`${c}.map`));
  if (unmapped.length) throw new Error(`web/dist has no source maps (${unmapped.map((c) => path.basename(c)).join(', ')}): rebuild it (npm run web:build; vite.config.ts sets build.sourcemap)`);

  const map = libCoverage.createCoverageMap({});
  for (const chunk of chunks) map.merge(await chunkCoverage(chunk, raw.get(chunk) ?? []));

  rmSync(reportDir, { recursive: true, force: true });
  const context = libReport.createContext({ dir: reportDir, coverageMap: map, defaultSummarizer: 'nested' });
  for (const name of ['json-summary', 'html']) reports.create(name).execute(context);

  // Lines per folder of web/src (files directly in web/src count as "(root)").
  const folders = new Map<string, { covered: number; total: number }>();
  let covered = 0;
  let total = 0;
  for (const file of map.files()) {
    const lines = map.fileCoverageFor(file).toSummary().lines;
    const rel = path.relative(webSrc, file).split(path.sep);
    const folder = rel.length > 1 ? `${rel[0]}/` : '(root)';
    const f = folders.get(folder) ?? { covered: 0, total: 0 };
    f.covered += lines.covered;
    f.total += lines.total;
    folders.set(folder, f);
    covered += lines.covered;
    total += lines.total;
  }
  console.log(`\nweb/src lines covered by the e2e run (${map.files().length} files, ${raw.size} of ${chunks.length} chunks loaded)`);
  for (const [folder, f] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${folder.padEnd(12)} ${pct(f.covered, f.total).padStart(8)}   ${String(f.covered).padStart(5)} / ${f.total}`);
  }
  console.log(`  ${'web/src'.padEnd(12)} ${pct(covered, total).padStart(8)}   ${String(covered).padStart(5)} / ${total}`);
  if (stale.length) console.log(`  (${stale.length} recorded chunk(s) no longer in web/dist were left out: the app was rebuilt since the e2e run)`);
  console.log(`  report: ${path.relative(projectRoot, reportDir)}/index.html, coverage-summary.json\n`);
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});
