// MCP over Streamable HTTP at /mcp/:account, served by the official SDK in stateless mode
// (a fresh server and transport per POST). Two read-only tools: search and fetch.
import type { ServerResponse } from 'node:http';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { sendJson, type SimContext } from './context.js';
import { applyTransportFaults, malformedJson, type FaultResponder } from './faults.js';

const rpcError = (res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);

const mcpFaults: FaultResponder = {
  serverError: (res, status) => rpcError(res, status, -32603, 'Internal server error'),
  rateLimited: (res, retryAfter) => rpcError(res, 429, -32000, 'Too many requests', { 'retry-after': String(retryAfter) }),
  malformed: (res) => malformedJson(res, '{"jsonrpc":"2.0","result":'),
};

const documents = [
  { id: 'doc-1', title: 'Runbook: restarting the ingest pipeline', text: 'Drain the queue, restart the workers one at a time, watch the lag.' },
  { id: 'doc-2', title: 'On-call handbook', text: 'Acknowledge within five minutes; escalate after fifteen.' },
  { id: 'doc-3', title: 'Release checklist', text: 'Tag, build, canary for an hour, then roll out.' },
];

function buildServer(account: string): McpServer {
  const server = new McpServer({ name: `sim-mcp-${account}`, version: '1.4.2' });
  server.registerTool('search', {
    title: 'Search documents',
    description: 'Full-text search over the simulated document store.',
    inputSchema: { query: z.string().min(1), limit: z.number().int().min(1).max(20).optional() },
    annotations: { readOnlyHint: true },
  }, async ({ query, limit }) => {
    const q = query.toLowerCase();
    const hits = documents.filter((d) => `${d.title} ${d.text}`.toLowerCase().includes(q)).slice(0, limit ?? 10);
    return { content: [{ type: 'text', text: JSON.stringify({ results: hits.map(({ id, title }) => ({ id, title })) }) }] };
  });
  server.registerTool('fetch', {
    title: 'Fetch a document',
    description: 'Returns one document by id.',
    inputSchema: { id: z.string().min(1) },
    annotations: { readOnlyHint: true },
  }, async ({ id }) => {
    const doc = documents.find((d) => d.id === id);
    if (!doc) return { isError: true, content: [{ type: 'text', text: `no document ${id}` }] };
    return { content: [{ type: 'text', text: JSON.stringify(doc) }] };
  });
  return server;
}

export function mcpRouter(ctx: SimContext): express.Router {
  const r = express.Router();

  r.all('/mcp/:account', async (req, res) => {
    const state = ctx.store.get(req.params.account as string);
    if (!state || state.sim.provider !== 'mcp') return rpcError(res, 404, -32001, 'Unknown MCP server');
    ctx.track(state, req, res);
    if (await applyTransportFaults(ctx, state, req, res, mcpFaults)) return;
    if (state.faults.unauthorized) return rpcError(res, 401, -32001, 'Unauthorized', { 'www-authenticate': 'Bearer error="invalid_token"' });
    if (req.method !== 'POST') return rpcError(res, 405, -32000, 'Method not allowed (stateless server)', { allow: 'POST' });

    const server = buildServer(state.sim.account);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch {
      if (!res.headersSent) rpcError(res, 500, -32603, 'Internal server error');
    }
  });

  return r;
}
