// Pulse roles as separate OS processes (to kill them for real), with the test run's settings.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../platform/config.js';

const cli = path.join(projectRoot, 'cli', 'main.ts');

export interface PulseProcess {
  child: ChildProcess;
  /** Exit code once it has exited by itself (undefined while running). */
  exited(): number | null | undefined;
}

export function startPulseProcess(args: string[], env: Record<string, string> = {}): PulseProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', process.env.PROCESS_LOGS ? 'inherit' : 'ignore', 'inherit'],
  });
  let code: number | null | undefined;
  child.once('exit', (c) => (code = c));
  return { child, exited: () => code };
}

export async function kill(p: PulseProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (p.exited() !== undefined) return;
  const gone = new Promise((r) => p.child.once('exit', r));
  p.child.kill(signal);
  await gone;
}
