// One POST of a webhook: connect through the address policy, send, read the status, drain
// and discard at most a little of the body. What comes back is ours to word: the receiver's
// body, the URL and error messages from below never make it into a reason.
import http from 'node:http';
import https from 'node:https';
import { AddressNotAllowed, bareAddress, guardedLookup, literalRefusal, urlPort, type EgressPolicy, type Resolver } from '../../platform/egress/index.js';

export type Exchange =
  | { kind: 'response'; status: number; retryAfter: string | undefined }
  | { kind: 'error'; reason: string; retryable: boolean };

export interface AttemptOptions {
  policy: EgressPolicy;
  resolver: Resolver;
  /** The whole exchange: lookup, connect, TLS, response and draining. */
  timeoutMs: number;
}

/** Enough to let a receiver finish a short answer; anything longer is cut off, not read. */
const maxDrainBytes = 64 * 1024;

export function postOnce(url: URL, headers: Record<string, string>, body: string, options: AttemptOptions): Promise<Exchange> {
  const port = urlPort(url);
  const refused = literalRefusal(url.hostname, port, options.policy);
  if (refused !== null) return Promise.resolve({ kind: 'error', reason: `address not allowed: ${refused}`, retryable: false });

  return new Promise((resolve) => {
    let settled = false;
    let timedOut = false;
    let answer: Extract<Exchange, { kind: 'response' }> | null = null;
    const finish = (exchange: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(exchange);
      req.destroy(); // a receiver still trickling a body gets no more of our time
    };

    const send = url.protocol === 'https:' ? https.request : http.request;
    const req = send({
      protocol: url.protocol,
      hostname: bareAddress(url.hostname),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Pulse-Webhooks/1' },
      // A fresh connection per attempt, so every attempt resolves and is judged again.
      agent: false,
      lookup: guardedLookup(options.policy, options.resolver, port),
    });

    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
    }, options.timeoutMs);

    req.on('response', (res) => {
      const retryAfter = res.headers['retry-after'];
      const status = res.statusCode ?? 0;
      answer = { kind: 'response', status, retryAfter };
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxDrainBytes) res.destroy();
      });
      res.on('error', () => {}); // cut off or reset while draining: the status is what counts
      res.on('close', () => finish(answer ?? { kind: 'response', status, retryAfter }));
    });
    req.on('error', (err) => finish(answer ?? describe(err, timedOut)));
    req.on('close', () => finish(answer ?? describe(new Error('closed'), timedOut)));
    req.end(body);
  });
}

function describe(err: Error, timedOut: boolean): Exchange {
  const failure = (reason: string, retryable = true): Exchange => ({ kind: 'error', reason, retryable });
  if (timedOut) return failure('timed out');
  if (err instanceof AddressNotAllowed) return failure(err.message, false);
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ECONNREFUSED') return failure('connection refused');
  if (code === 'ECONNRESET' || code === 'EPIPE') return failure('connection reset');
  if (code === 'ETIMEDOUT') return failure('timed out');
  if (code === 'ENOTFOUND' || code.startsWith('EAI_') || code === 'ENODATA') return failure('host not found');
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return failure('host unreachable');
  // A certificate does not fix itself within a retry's delay.
  if (/CERT|SSL|TLS/.test(code)) return failure('TLS error', false);
  if (code.startsWith('HPE_')) return failure('invalid HTTP response');
  return failure('network error');
}
