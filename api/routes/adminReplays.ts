// /api/admin/replays: start a projection rebuild and watch it. The replay runs in this API
// process; its progress lives in projection_replays, so any API instance can report it.
import { Router } from 'express';
import { z } from 'zod';
import { ReplayAlreadyRunning, replayRate, startReplay } from '../../consumers/replay.js';
import { audit } from '../audit.js';
import { HttpError, notFound, validate } from '../errors.js';
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

export function replayRoutes(deps: AdminRoutesDeps): Router {
  const router = Router();
  const names = deps.projections.map((p) => p.name) as [string, ...string[]];
  const body = z.object({ projection: z.enum(names, { error: `must be one of: ${names.join(', ')}` }) }).strict();

  router.post('/replays', async (req, res) => {
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

  router.get('/replays', async (_req, res) => {
    const { rows } = await deps.db.query('SELECT * FROM projection_replays ORDER BY started_at DESC LIMIT 20');
    res.json({ replays: rows.map(view) });
  });

  router.get('/replays/:id', async (req, res) => {
    if (!z.uuid().safeParse(req.params.id).success) throw notFound('replay');
    const { rows } = await deps.db.query('SELECT * FROM projection_replays WHERE replay_id = $1', [req.params.id]);
    if (!rows[0]) throw notFound('replay');
    res.json(view(rows[0]));
  });

  return router;
}
