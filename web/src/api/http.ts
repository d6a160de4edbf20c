// One fetch wrapper for both sides of the app: JSON in and out, and the API's error shape
// (`{error: {code, message, fields?}}`) turned into an ApiError the UI can read.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, from Retry-After on 429s. */
    readonly retryAfter: number | null = null,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The network itself failed (offline, API down): no HTTP answer at all. */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export async function request<T>(method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { accept: 'application/json', ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'Pulse could not be reached. Check your connection.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: any = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* a proxy's HTML error page, say */
  }
  if (!res.ok) {
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(
      res.status,
      body?.error?.code ?? 'http_error',
      body?.error?.message ?? `The server answered ${res.status}.`,
      Number.isFinite(retry) && retry > 0 ? retry : null,
      body?.error?.fields ?? {},
    );
  }
  return body as T;
}

/** React Query retry policy: retry only what may pass on its own (network, 5xx), never 4xx. */
export function retryTransient(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 3;
}
