// Runs one `pulse` command to completion as a child process, with stdin given (e.g. a piped
// password), and returns its exit code and everything it printed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../platform/config.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'cli', 'main.ts'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  child.stdin.end(opts.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
