// /api/admin/dead-letters: what the DLQs hold, and re-driving them after a fix.
// `:topic` is the logical source topic (`lifecycle`, `checks`), not a Kafka topic name, so
// an admin cannot point these routes at arbitrary topics.
import { Router } from 'express';
import { z } from 'zod';
import { deadLetterSummary, isDeadLetterSource, listDeadLetters, redriveDeadLetters } from '../../consumers/deadLetterAdmin.js';
import type { TopicKey } from '../../platform/topics.js';
import { audit } from '../audit.js';
import { notFound, validate } from '../errors.js';
import type { AdminRoutesDeps } from './admin.js';

const listQuery = z.object({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
});

function sourceTopic(name: string | undefined): TopicKey {
  if (!name || !isDeadLetterSource(name)) throw notFound('topic');
  return name;
}

export function deadLetterRoutes(deps: AdminRoutesDeps): Router {
  const router = Router();

  router.get('/dead-letters', async (_req, res) => {
    res.json({ topics: await deadLetterSummary(deps) });
  });

  router.get('/dead-letters/:topic', async (req, res) => {
    const topic = sourceTopic(req.params.topic);
    const { limit } = validate(listQuery, req.query, 'query');
    res.json({ topic, deadLetters: await listDeadLetters(deps, topic, { limit }) });
  });

  router.post('/dead-letters/:topic/redrive', async (req, res) => {
    const topic = sourceTopic(req.params.topic);
    let redriven: number;
    try {
      redriven = await redriveDeadLetters(deps, topic);
    } catch (err) {
      await audit(req, 'dead_letters.redrive', topic, 'failure');
      throw err;
    }
    await audit(req, 'dead_letters.redrive', topic, 'success');
    res.json({ redriven });
  });

  return router;
}
