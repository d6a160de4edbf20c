// One dedicated Postgres connection LISTENing on the real-time channels (projection changes,
// ended admin sessions). If it drops it is re-opened with exponential backoff and jitter;
// notifications sent meanwhile are lost, so after every reconnect `onResync` is called
// ("everything may have changed").
import pg from 'pg';
import type { Logger } from '../../platform/logger.js';

export interface ListenerOptions {
  databaseUrl: string;
  /** Channel → what to do with each notification's payload. */
  channels: Record<string, (payload: string) => void>;
  log: Logger;
  onResync(): void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface Listener {
  /** Settles after the first attempt to LISTEN, successful or not (retries continue in the background). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function startListener(opts: ListenerOptions): Listener {
  const { log } = opts;
  const channels = Object.keys(opts.channels);
  const minMs = opts.minBackoffMs ?? 250;
  const maxMs = opts.maxBackoffMs ?? 10_000;
  for (const channel of channels) if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
  let current: pg.Client | null = null;
  let stopped = false;
  let failures = 0;
  let connectedBefore = false;
  let retry: NodeJS.Timeout | null = null;

  const drop = (c: pg.Client, why: string) => {
    if (c !== current) return;
    current = null;
    c.removeAllListeners('notification');
    c.end().catch(() => undefined);
    if (stopped) return;
    const delay = Math.min(maxMs, minMs * 2 ** failures) * (0.5 + Math.random() / 2);
    failures++;
    log.warn({ channels, why, retryInMs: Math.round(delay) }, 'realtime listener disconnected');
    retry = setTimeout(() => void connect(), delay);
  };

  const connect = async (): Promise<void> => {
    retry = null;
    if (stopped) return;
    const c = new pg.Client({ connectionString: opts.databaseUrl, application_name: 'pulse-realtime', keepAlive: true });
    current = c;
    c.on('error', (err) => drop(c, err.message));
    c.on('end', () => drop(c, 'connection ended'));
    c.on('notification', (msg) => {
      const handle = Object.hasOwn(opts.channels, msg.channel) ? opts.channels[msg.channel] : undefined;
      try {
        handle?.(msg.payload ?? '');
      } catch (err) {
        log.error({ channel: msg.channel, err: { message: (err as Error)?.message } }, 'realtime notification failed');
      }
    });
    try {
      await c.connect();
      for (const channel of channels) await c.query(`LISTEN ${channel}`);
    } catch (err) {
      drop(c, (err as Error).message);
      return;
    }
    if (c !== current) return;
    failures = 0;
    log.info({ channels, reconnected: connectedBefore }, 'realtime listener listening');
    if (connectedBefore) opts.onResync();
    connectedBefore = true;
  };

  const ready = connect();
  return {
    ready,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      const c = current;
      current = null;
      await c?.end().catch(() => undefined);
    },
  };
}
