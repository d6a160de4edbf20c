// The WebSocket wire format (api/realtime/README.md): client frames validated with zod, server
// frames built as JSON strings. Error messages name fields, never echo what the client sent.
import { z } from 'zod';
import { supportedProviders } from '../../producers/checks/index.js';
import { unsafeFields } from '../inputGuard.js';
import type { LiveHealth } from '../readModel.js';

const integrationIds = z.array(z.string().min(1).max(100)).min(1).max(1000);

/**
 * What to (un)subscribe: some integrations, `all` (a user's own), or — admins only — the
 * scope `all` (every integration of every user) or one provider's.
 */
const target = {
  integrationIds: integrationIds.optional(),
  all: z.literal(true).optional(),
  scope: z.literal('all').optional(),
  provider: z.enum(supportedProviders).optional(),
};
const targetKeys = ['integrationIds', 'all', 'scope', 'provider'] as const;

const clientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), ...target }).strict(),
  z.object({ type: z.literal('unsubscribe'), ...target }).strict(),
  z.object({ type: z.literal('resume'), since: z.number().int().min(0), ...target }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);

export type ClientFrame = z.infer<typeof clientFrame>;
export type Target = { integrationIds?: string[]; all?: true; scope?: 'all'; provider?: string };

export type Parsed = { ok: true; frame: ClientFrame } | { ok: false; error: string };

export function parseClientFrame(data: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, error: errorFrame('bad_request', 'frames must be JSON text') };
  }
  // NUL and friends never reach Postgres (ids are looked up there): the REST routes' rule.
  const unsafe = unsafeFields(json);
  if (unsafe.length) return { ok: false, error: errorFrame('bad_request', `invalid frame: ${unsafe.map((u) => u.field).join(', ')}`) };
  const parsed = clientFrame.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || i.code))];
    return { ok: false, error: errorFrame('bad_request', `invalid frame: ${fields.join(', ')}`) };
  }
  const f = parsed.data;
  if (f.type === 'ping') return { ok: true, frame: f };
  const given = targetKeys.filter((k) => f[k] !== undefined).length;
  if (f.type !== 'resume' && given !== 1) {
    return { ok: false, error: errorFrame('bad_request', `invalid frame: give exactly one of ${targetKeys.join(', ')}`) };
  }
  if (given > 1) return { ok: false, error: errorFrame('bad_request', `invalid frame: give at most one of ${targetKeys.join(', ')}`) };
  return { ok: true, frame: f };
}

/** What a subscriber sees of an integration: GET /api/integrations/:id/health without `reconnectUrl` (a signed link, fetched over REST). */
export function publicView(h: LiveHealth) {
  const { reauthReason, userId: _owner, version: _version, ...view } = h;
  // Same rule as the REST route: a reconnect is offered while red for a reason only a reconnect fixes.
  return { ...view, reauthRequired: reauthReason !== null && view.status === 'red' };
}

export const healthFrame = (h: LiveHealth) => JSON.stringify({ type: 'health', version: h.version, integration: publicView(h) });

/** `cap` is set for admin scopes, whose snapshots hold at most `limit` integrations (the most recently changed). */
export const snapshotFrame = (version: number, rows: LiveHealth[], cap?: { limit: number; truncated: boolean }) =>
  JSON.stringify({ type: 'snapshot', version, integrations: rows.map(publicView), ...cap });

export const removedFrame = (ids: string[]) => JSON.stringify({ type: 'removed', integrationIds: ids });

export const pongFrame = JSON.stringify({ type: 'pong' });

export function errorFrame(code: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'error', code, message, ...extra });
}
