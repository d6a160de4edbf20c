// Serialises stack commands across processes (e.g. parallel test workers all calling ensureStackUp).
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { LOCK_FILE, STATE } from './paths.js';
import type { Progress } from './progress.js';
import { isAlive } from './processes.js';
import { sleep } from './wait.js';

function tryAcquire(): boolean {
  try {
    const fd = openSync(LOCK_FILE, 'wx');
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  }
}

function holder(): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(LOCK_FILE, 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function withLock<T>(progress: Progress, fn: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  mkdirSync(STATE, { recursive: true });
  const start = Date.now();
  let told = false;
  while (!tryAcquire()) {
    const pid = holder();
    if (pid === undefined || pid === process.pid || !isAlive(pid)) {
      // Stale (holder died) or left by this very process after a crash: take it over.
      rmSync(LOCK_FILE, { force: true });
      continue;
    }
    if (!told) {
      progress.say('stack', `another stack command is running (pid ${pid}); waiting for it…`);
      told = true;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${LOCK_FILE} (pid ${pid})`);
    await sleep(300);
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_FILE, { force: true });
  }
}
