// Human-readable progress lines on stderr (this is a people-facing CLI, not a service log).
export interface Progress {
  readonly quiet: boolean;
  /** One progress line, prefixed with the service it concerns. */
  say(service: string, message: string): void;
  /** Always printed, even in quiet mode. */
  warn(service: string, message: string): void;
}

export function createProgress(quiet = false): Progress {
  const write = (service: string, message: string): void => {
    process.stderr.write(`[${service}] ${message}\n`);
  };
  return {
    quiet,
    say: (service, message) => {
      if (!quiet) write(service, message);
    },
    warn: write,
  };
}

export function seconds(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)}s`;
}
