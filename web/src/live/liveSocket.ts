// A health WebSocket (protocol: api/realtime/README.md), kept alive for as long as a page
// needs it: subscribe, remember the highest version seen, and after any drop reconnect with
// backoff and `resume` from that version so nothing that changed meanwhile is missed. Used
// by the dashboard (/ws, user token) and the admin portal (/api/admin/ws, session cookie).
// Framework-free; LiveProvider and useAdminLive wire it to React Query.
import type { HealthView } from '../api/types';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'offline';

type ServerFrame =
  | { type: 'snapshot'; version: number; integrations: HealthView[] }
  | { type: 'health'; version: number; integration: HealthView }
  | { type: 'removed'; integrationIds: string[] }
  | { type: 'error'; code: string; message: string }
  | { type: 'pong' };

export interface LiveSocketOptions {
  url: string;
  /** Subprotocols to offer (the user's token rides here), or null while there is nothing to connect with. */
  protocols: () => string[] | null;
  /** The first subscription, and the same subscription resumed from a version. */
  subscribe: object;
  resume: (since: number) => object;
}

export interface LiveSocketHandlers {
  /** `full`: the answer to a fresh subscribe (every integration); otherwise a resume catch-up. */
  snapshot(views: HealthView[], full: boolean): void;
  health(view: HealthView): void;
  removed(ids: string[]): void;
  state(state: LiveState): void;
  /** The socket keeps failing before it opens: perhaps the token is no longer accepted. */
  connectFailing(): void;
  /** The server ended the session (admin sockets: 4401); no reconnect follows. */
  sessionEnded?(): void;
}

const pingEveryMs = 20_000;
const pongWithinMs = 8_000;

export class LiveSocket {
  private ws: WebSocket | null = null;
  private version = 0;
  private attempt = 0;
  private failedOpens = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private current: LiveState = 'connecting';

  constructor(private readonly opts: LiveSocketOptions, private readonly on: LiveSocketHandlers) {}

  start(): void {
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisible);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisible);
    clearTimeout(this.retryTimer);
    this.drop(1000);
  }

  /** Reconnect now (the "retry" button, the browser coming back online). */
  retryNow(): void {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.connect();
  }

  get state(): LiveState {
    return this.current;
  }

  private setState(s: LiveState) {
    if (s === this.current) return;
    this.current = s;
    this.on.state(s);
  }

  private connect() {
    const protocols = this.opts.protocols();
    if (!protocols || this.stopped) return;
    if (!navigator.onLine) return this.setState('offline');
    let opened = false;
    const ws = new WebSocket(this.opts.url, protocols);
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.failedOpens = 0;
      this.send(this.version > 0 ? this.opts.resume(this.version) : this.opts.subscribe);
      this.pingTimer = setInterval(() => this.ping(), pingEveryMs);
    };
    ws.onmessage = (e) => this.receive(e.data);
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.cleanup();
      if (this.stopped) return;
      if (e.code === 4401) {
        this.stopped = true;
        this.setState('offline');
        this.on.sessionEnded?.();
        return;
      }
      if (!opened && ++this.failedOpens >= 2) this.on.connectFailing();
      this.scheduleReconnect();
    };
    ws.onerror = () => undefined; // onclose follows and handles it
  }

  private receive(data: unknown) {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(data));
    } catch {
      return;
    }
    switch (frame.type) {
      case 'snapshot': {
        const full = this.version === 0;
        this.version = Math.max(this.version, frame.version);
        this.attempt = 0;
        this.on.snapshot(frame.integrations, full);
        this.setState('live');
        break;
      }
      case 'health':
        this.version = Math.max(this.version, frame.version);
        this.on.health(frame.integration);
        break;
      case 'removed':
        this.on.removed(frame.integrationIds);
        break;
      case 'pong':
        clearTimeout(this.pongTimer);
        break;
      case 'error':
        // A failed read on the server: ask again rather than sit on stale state.
        if (frame.code === 'internal' || frame.code === 'too_many_requests') this.drop(4000);
        break;
    }
  }

  private ping() {
    this.send({ type: 'ping' });
    clearTimeout(this.pongTimer);
    // No pong: the connection is dead even if the browser has not noticed (Wi-Fi gone, laptop lid).
    this.pongTimer = setTimeout(() => this.drop(4000), pongWithinMs);
  }

  private send(frame: object) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private scheduleReconnect() {
    this.setState(navigator.onLine ? 'reconnecting' : 'offline');
    if (!navigator.onLine) return; // `online` will bring us back
    const delay = Math.min(15_000, 500 * 2 ** this.attempt++) * (0.5 + Math.random() * 0.5);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Closes the socket and lets onclose schedule the reconnect. */
  private drop(code: number) {
    const ws = this.ws;
    if (!ws) return;
    if (code === 1000) {
      this.ws = null;
      this.cleanup();
      ws.close(1000);
      return;
    }
    try {
      ws.close(code);
    } catch {
      /* already closing */
    }
    // A dead TCP connection may take minutes to report close: do not wait for it.
    setTimeout(() => {
      if (this.ws === ws) ws.onclose?.(new CloseEvent('close'));
    }, 1_000);
  }

  private cleanup() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.ws = null;
  }

  private onOnline = () => this.retryNow();
  private onOffline = () => {
    this.setState('offline');
    this.drop(4000);
  };
  private onVisible = () => {
    if (document.visibilityState === 'visible') this.retryNow();
  };
}
