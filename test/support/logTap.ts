// Every log line of a Pulse child process, as it comes (processes.ts's `logged()` resolves on
// one line; this sees them all). The worker-group test counts which process ran which check.
import { createInterface } from 'node:readline';
import type { LogLine, PulseProcess } from './processes.js';

/** Calls `onLine` with each JSON log line the process writes from now on (needs its LOG_LEVEL set). */
export function tapLog(p: PulseProcess, onLine: (line: LogLine) => void): void {
  createInterface({ input: p.child.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    onLine(line);
  });
}
