// Runs Maven (downloads land in ~/.m2 and are reused); its output passes through, prefixed.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { LOGS, logFile, ROOT } from './paths.js';
import { seconds, type Progress } from './progress.js';

export async function runMaven(service: string, args: string[], progress: Progress, cwd: string = ROOT): Promise<void> {
  mkdirSync(LOGS, { recursive: true });
  const log = logFile('maven');
  const fullArgs = ['-B', ...args];
  appendFileSync(log, `\n=== ${new Date().toISOString()} [${service}] mvn ${fullArgs.join(' ')}\n`);
  progress.say(service, `mvn ${fullArgs.join(' ')}`);
  const start = Date.now();
  const recent: string[] = [];
  let lastOutput = Date.now();

  await new Promise<void>((resolve, reject) => {
    const child = spawn('mvn', fullArgs, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const ticker = setInterval(() => {
      if (Date.now() - lastOutput >= 5000) {
        lastOutput = Date.now();
        progress.say(service, `maven still working… ${seconds(start)}`);
      }
    }, 1000);
    let pending = '';
    const onData = (chunk: Buffer): void => {
      lastOutput = Date.now();
      appendFileSync(log, chunk);
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const raw of lines) {
        // Strip ANSI colour codes Maven may emit even in batch mode.
        const line = raw.replace(/\u001b\[[0-9;]*m/g, '').trimEnd();
        if (!line) continue;
        recent.push(line);
        if (recent.length > 30) recent.shift();
        progress.say(service, `  mvn | ${line}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err) => {
      clearInterval(ticker);
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(new Error(missing ? 'Maven (mvn) not found on PATH; install it with: sudo apt-get install maven' : err.message));
    });
    child.once('close', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new Error(`mvn exited with code ${code} (full output in ${log}):\n${recent.join('\n')}`));
    });
  });
  progress.say(service, `maven done in ${seconds(start)}`);
}
