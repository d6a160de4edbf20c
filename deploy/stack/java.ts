// Locates a Java 17+ runtime (JAVA_HOME first, then PATH); checked once per run.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

let cached: string | undefined;

export function javaCommand(): string {
  if (cached) return cached;
  const candidate = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const result = spawnSync(candidate, ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`Java not found (${candidate}). Install a JDK 17+, e.g. sudo apt-get install openjdk-17-jre-headless`);
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < 17) throw new Error(`Java 17+ required, found: ${result.stderr.split('\n')[0] ?? '?'}`);
  cached = candidate;
  return candidate;
}
