// /api/admin/replays: start a projection rebuild and watch it. The replay runs in this API
// process; its progress lives in projection_replays, so any API instance can report it.
import { Router } from 'express';
import { z } from 'zod';
import { ReplayAlreadyRunning, replayRate, startReplay } from '../../consumers/replay.js';
import { audit } from '../audit.js';
import { HttpError, notFound, validate } from '../errors.js';
import { documented } from '../openapi/registry.js';
import type { AdminRoutesDeps } from './admin.js';

function view(r: Record<string, any>) {
  const finished = r.finished_at ?? r.updated_at;
  return {
    replayId: r.replay_id,
    projection: r.projection,
    state: r.state,
    processed: Number(r.processed),
    total: Number(r.total),
    ...replayRate(Number(r.processed), Number(r.total), finished.getTime() - r.started_at.getTime()),
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
    error: r.error,
  };
}

const replayView = z.object({
  replayId: z.uuid(),
  projection: z.string(),
  state: z.enum(['replaying', 'switching', 'done', 'failed']),
  processed: z.number().int(),
  total: z.number().int(),
  eventsPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  error: z.string().nullable(),
});
const replayIdParams = z.object({ id: z.uuid() });

export function replayRoutes(deps: AdminRoutesDeps): Router {
  const api = documented(Router(), { tag: 'Admin: replays', auth: 'admin' });
  const names = deps.projections.map((p) => p.name) as [string, ...string[]];
  const body = z.object({ projection: z.enum(names, { error: `must be one of: ${names.join(', ')}` }) }).strict();

  api.post('/replays', {
    summary: 'Rebuild a projection from its topic',
    description: 'Rebuilds into shadow tables while the live projection keeps serving, then swaps them in. Runs in this API process; audited.',
    body,
    responses: {
      202: { description: 'started; `Location` is its progress', body: z.object({ replayId: z.uuid() }), headers: { Location: '/api/admin/replays/{id}' } },
      409: '`replay_running`: one is already running for this projection',
    },
  }, async (req, res) => {
    const { projection } = validate(body, req.body ?? {});
    const chosen = deps.projections.find((p) => p.name === projection);
    if (!chosen) throw notFound('projection');
    let replayId: string;
    try {
      const replay = await startReplay(chosen, deps);
      replay.done.catch(() => undefined);
      replayId = replay.replayId;
    } catch (err) {
      await audit(req, 'replay.start', projection, 'failure');
      if (err instanceof ReplayAlreadyRunning) throw new HttpError(409, 'replay_running', err.message);
      throw err;
    }
    await audit(req, 'replay.start', projection, 'success');
    res.status(202).location(`/api/admin/replays/${replayId}`).json({ replayId });
  });

  api.get('/replays', {
    summary: 'The 20 most recent replays',
    responses: { 200: { description: 'newest first', body: z.object({ replays: z.array(replayView) }) } },
  }, async (_req, res) => {
    const { rows } = await deps.db.query('SELECT * FROM projection_replays ORDER BY started_at DESC LIMIT 20');
    res.json({ replays: rows.map(view) });
  });

  api.get('/replays/:id', {
    summary: 'Progress of a replay',
    params: replayIdParams,
    responses: { 200: { description: 'progress (events/s, ETA) and state', body: replayView } },
  }, async (req, res) => {
    if (!z.uuid().safeParse(req.params.id).success) throw notFound('replay');
    const { rows } = await deps.db.query('SELECT * FROM projection_replays WHERE replay_id = $1', [req.params.id]);
    if (!rows[0]) throw notFound('replay');
    res.json(view(rows[0]));
  });

  return api.router;
}
