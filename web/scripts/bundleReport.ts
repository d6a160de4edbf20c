// Prints every chunk of web/dist with its gzip size and fails (exit 1) when the JavaScript
// the first route loads — the entry and its static imports, not the lazy chunks — exceeds
// the budget. Run after `vite build` (npm run web:build does both).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const budgetKb = 250;
const dist = path.join(import.meta.dirname, '..', 'dist');

interface ManifestChunk {
  file: string;
  name?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;

/** Files the browser must load before the first route renders: entries and their static imports. */
function firstRouteFiles(): Set<string> {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  return files;
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1).padStart(7);
const first = firstRouteFiles();
const assets = readdirSync(path.join(dist, 'assets')).filter((f) => /\.(js|css)$/.test(f)).map((f) => {
  const body = readFileSync(path.join(dist, 'assets', f));
  return { file: `assets/${f}`, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
}).sort((a, b) => Number(first.has(b.file)) - Number(first.has(a.file)) || b.gzip - a.gzip);

console.log('\nweb/dist bundle (KB)                raw     gzip   loaded');
for (const a of assets) console.log(`  ${a.file.padEnd(34)} ${kb(a.raw)}  ${kb(a.gzip)}   ${first.has(a.file) ? 'first route' : 'lazy'}`);
const firstJs = assets.filter((a) => first.has(a.file) && a.file.endsWith('.js')).reduce((n, a) => n + a.gzip, 0);
const firstCss = assets.filter((a) => first.has(a.file) && a.file.endsWith('.css')).reduce((n, a) => n + a.gzip, 0);
const lazy = assets.filter((a) => !first.has(a.file)).reduce((n, a) => n + a.gzip, 0);
console.log(`\n  first route: ${kb(firstJs).trim()} KB JS + ${kb(firstCss).trim()} KB CSS gzip (budget ${budgetKb} KB JS); lazy chunks ${kb(lazy).trim()} KB gzip`);
if (firstJs > budgetKb * 1024) {
  console.error(`\n✗ the first route's JavaScript is ${kb(firstJs).trim()} KB gzip, over the ${budgetKb} KB budget`);
  process.exit(1);
}
console.log('  ✓ within budget\n');
