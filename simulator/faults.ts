// Faults: their validation, and the ones every route applies the same way before it does its
// own work (refuse, timeout, latency, 5xx, 429, malformed). Auth and scope faults depend on
// the provider and are applied by its module; each provider supplies the shape of its errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AccountState } from './accounts.js';
import type { SimContext } from './context.js';
import type { Faults } from './types.js';

export const faultsSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  timeout: z.boolean().optional(),
  unauthorized: z.enum(['expired', 'revoked']).optional(),
  missingScope: z.string().min(1).max(300).optional(),
  rateLimit: z.strictObject({ retryAfterSeconds: z.number().int().min(0).max(86_400) }).optional(),
  quotaNearLimit: z.boolean().optional(),
  serverError: z.number().int().min(500).max(599).optional(),
  refuse: z.boolean().optional(),
  malformed: z.boolean().optional(),
  readOnlyCalendar: z.boolean().optional(),
  socketNoHello: z.boolean().optional(),
});

// Keep the schema and the public interface in step.
const _schemaMatchesInterface: (f: z.infer<typeof faultsSchema>) => Faults = (f) => f;
void _schemaMatchesInterface;

/** How one provider words the generic faults. */
export interface FaultResponder {
  serverError(res: ServerResponse, status: number): void;
  rateLimited(res: ServerResponse, retryAfterSeconds: number): void;
  /** 200 with a body that is not valid JSON. */
  malformed(res: ServerResponse): void;
}

export const malformedJson = (res: ServerResponse, start = '{"ok":true,"data":') =>
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(`${start}<html>upstream reset`);

/**
 * Applies the account's transport-level faults. Returns true when the request has been dealt
 * with (answered, dropped, or left hanging) and the route must stop.
 */
export async function applyTransportFaults(ctx: SimContext, state: AccountState, req: IncomingMessage, res: ServerResponse, respond: FaultResponder): Promise<boolean> {
  const f = state.faults;
  if (f.refuse) {
    req.socket.destroy();
    return true;
  }
  if (f.timeout) return true; // never answered; close() tears the connection down
  if (f.latencyMs && !(await ctx.sleep(f.latencyMs))) return true;
  if (ctx.isClosed()) return true;
  if (f.serverError) {
    respond.serverError(res, f.serverError);
    return true;
  }
  if (f.rateLimit) {
    respond.rateLimited(res, f.rateLimit.retryAfterSeconds);
    return true;
  }
  if (f.malformed) {
    respond.malformed(res);
    return true;
  }
  return false;
}
