// MCP server over Streamable HTTP: it answers, completes the initialize handshake, and lists its tools.
import { z } from 'zod';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { httpConfigSchema } from './http.js';
import type { CheckContext, CheckObservation, ProviderCheck } from './provider.js';
import { CheckFailure, networkError, retryAfterSeconds, runSteps } from './providerHttp.js';
import type { CheckError } from '../../schemas/types.generated.js';

// Same URL and header rules as the HTTP check: no user info, no credential headers (settings travel in events).
export const mcpConfigSchema = z.object({ url: httpConfigSchema.shape.url, headers: httpConfigSchema.shape.headers }).strict();
export type McpConfig = z.infer<typeof mcpConfigSchema>;

const clientInfo = { name: 'pulse', version: '0.1.0' };
// Server-chosen text goes into a step detail: printable and short only.
const printable = (s: unknown) => String(s ?? '?').replace(/[^\x20-\x7e]/g, '').slice(0, 60) || '?';

/** SDK errors carry server text (HTTP bodies); only status and JSON-RPC codes are kept. */
function mcpError(err: unknown, op: string, signal: AbortSignal, retryAfter: number | null): CheckError {
  if (signal.aborted || (err as { cause?: { code?: string } })?.cause?.code) return networkError(err, signal);
  const error = (code: string, message: string, retry: number | null = null) => ({ code, message, retryAfterSeconds: retry });
  if (err instanceof StreamableHTTPError && typeof err.code === 'number' && err.code > 0) {
    const message = `HTTP ${err.code} on ${op}`;
    if (err.code === 401) return error('unauthorized', message);
    if (err.code === 403) return error('forbidden', message);
    if (err.code === 429) return error('rate_limited', message, retryAfter);
    if (err.code >= 500) return error('server_error', message);
    return error('mcp_protocol_error', message);
  }
  if (err instanceof McpError) return error('mcp_protocol_error', `JSON-RPC error ${err.code} on ${op}`);
  if (err instanceof TypeError && err.message === 'fetch failed') return networkError(err, signal);
  return error('mcp_protocol_error', `invalid response on ${op}`);
}

async function check(config: McpConfig, ctx: CheckContext): Promise<CheckObservation> {
  return runSteps(ctx, async (steps) => {
    const seen: { first: { at: number; status: number } | null } = { first: null };
    let retryAfter: number | null = null;
    // The transport overrides requestInit.signal with its own, so the deadline is joined in here;
    // only POSTs (the JSON-RPC messages) count as "the last HTTP status", not the optional SSE GET.
    const fetchWithDeadline = async (url: string | URL, init?: RequestInit) => {
      // Every request, and every redirect hop the SDK follows, connects through the egress policy.
      const res = await ctx.network.targets.fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, ctx.signal]) : ctx.signal });
      seen.first ??= { at: ctx.elapsed(), status: res.status };
      if (init?.method === 'POST') {
        steps.httpStatus = res.status;
        retryAfter = retryAfterSeconds(res.headers.get('retry-after'));
      }
      return res;
    };
    const transport = new StreamableHTTPClientTransport(new URL(config.url), {
      requestInit: { headers: config.headers },
      fetch: fetchWithDeadline,
      reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1 },
    });
    const client = new Client(clientInfo);
    try {
      // One SDK call does both; the first HTTP response splits it into reaching the server and the handshake.
      const t = ctx.elapsed();
      try {
        await client.connect(transport, { signal: ctx.signal });
      } catch (err) {
        const error = mcpError(err, 'initialize', ctx.signal, retryAfter);
        const { first } = seen;
        if (first === null) throw steps.fail('connect', t, error);
        steps.done('connect', t, `HTTP ${first.status}`, first.at);
        throw steps.fail('initialize', first.at, error);
      }
      const reached = seen.first ?? { at: t, status: 0 };
      steps.done('connect', t, `HTTP ${reached.status}`, reached.at);
      const server = client.getServerVersion();
      steps.done('initialize', reached.at, `${printable(server?.name)} ${printable(server?.version)}`);

      await steps.step('list_tools', async () => {
        try {
          return await client.listTools(undefined, { signal: ctx.signal });
        } catch (err) {
          throw new CheckFailure(mcpError(err, 'tools/list', ctx.signal, retryAfter));
        }
      }, (r) => `${r.tools.length}${r.nextCursor ? '+' : ''} tools`);
    } finally {
      await client.close().catch(() => undefined);
    }
  });
}

export const mcpCheck: ProviderCheck<McpConfig> = { provider: 'mcp', configSchema: mcpConfigSchema, target: (c) => c.url, check };
