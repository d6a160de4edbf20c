import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// health/ is the domain core every role builds on: if it reached for a database, Kafka, the
// network, the clock or chance, its rules could no longer be replayed or unit-tested as facts in,
// verdicts out. Its only way out of the folder is the generated Avro types it builds on.
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'health');
const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(path.join(dir, f), 'utf8') }));

// `… from 'x'`, a bare `import 'x'`, and `import('x')`.
const specifiers = (text: string) =>
  [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);

describe('health/ (the domain core) does no I/O', () => {
  it('has modules to check', () => {
    expect(sources.map((s) => s.file)).to.include.members(['events.ts', 'statusRules.ts', 'integrationLifecycle.ts']);
  });

  it('imports only its own modules and the generated event types', () => {
    for (const { file, text } of sources) {
      for (const spec of specifiers(text)) {
        const allowed = (spec.startsWith('./') && !spec.includes('..')) || spec === '../schemas/types.generated.js';
        expect(allowed, `${file} imports ${spec}`).to.equal(true);
      }
    }
  });

  it('reads no clock, chance or environment of its own', () => {
    for (const { file, text } of sources) {
      expect(text, file).not.to.match(/Date\.now\(|new Date\(\)|performance\.now\(|Math\.random\(|process\.|globalThis\.|require\(/);
    }
  });
});
