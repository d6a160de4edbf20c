// Builds web/dist when it is missing or older than its sources, so `npm start` and the
// end-to-end tests always serve the current app; does nothing (in milliseconds) otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.join(import.meta.dirname, '..');
const root = path.join(web, '..');
const stamp = path.join(web, 'dist', '.vite', 'manifest.json');
const sources = ['index.html', 'vite.config.ts', 'tsconfig.json', 'src', 'public'].map((p) => path.join(web, p));

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

export function webBuildIsStale(): boolean {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return Math.max(...sources.map(newestMtime), newestMtime(path.join(root, 'package-lock.json'))) > built;
}

/** Runs `vite build web` and the bundle report if the build is stale; throws if either fails. */
export function ensureWebBuilt({ quiet = false } = {}): boolean {
  if (!webBuildIsStale()) return false;
  if (!quiet) process.stdout.write('› building the web app (web/dist)…\n');
  const stdio = quiet ? 'pipe' : 'inherit';
  const vite = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', web, '--logLevel', 'warn'], { cwd: root, stdio });
  if (vite.status !== 0) throw new Error(`vite build failed${quiet ? `:\n${vite.stderr}` : ''}`);
  const report = spawnSync(process.execPath, ['--import', 'tsx', path.join(web, 'scripts', 'bundleReport.ts')], { cwd: root, stdio });
  if (report.status !== 0) throw new Error(`bundle report failed${quiet ? `:\n${report.stdout}${report.stderr}` : ''}`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureWebBuilt();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
