// /api/admin/dead-letters: what the DLQs hold, and re-driving them after a fix.
// `:topic` is the logical source topic (`lifecycle`, `checks`), not a Kafka topic name, so
// an admin cannot point these routes at arbitrary topics.
import { Router } from 'express';
import { z } from 'zod';
import { deadLetterSources, deadLetterSummary, isDeadLetterSource, listDeadLetters, redriveDeadLetters } from '../../consumers/deadLetterAdmin.js';
import type { TopicKey } from '../../platform/topics.js';
import { audit } from '../audit.js';
import { notFound, validate } from '../errors.js';
import { documented } from '../openapi/registry.js';
import type { AdminRoutesDeps } from './admin.js';

const listQuery = z.object({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
});

const topicParams = z.object({ topic: z.enum(deadLetterSources as [TopicKey, ...TopicKey[]]).meta({ description: 'the logical source topic (not a Kafka topic name)' }) });

const summary = z.object({
  topics: z.array(z.object({
    topic: z.string(), sourceTopic: z.string(), dlqTopic: z.string(),
    total: z.number().int().meta({ description: 'records the DLQ holds (kept 30 days)' }),
    pending: z.number().int().meta({ description: 'not re-driven yet' }),
  })),
});

const listing = z.object({
  topic: z.string(),
  deadLetters: z.array(z.object({
    partition: z.number().int(), offset: z.number().int(), key: z.string().nullable(),
    valueBytes: z.number().int().meta({ description: 'the value itself is never shown (it may hold data)' }),
    reason: z.string().nullable(), consumer: z.string().nullable(), sourceTopic: z.string().nullable(),
    sourcePartition: z.number().int().nullable(), sourceOffset: z.number().int().nullable(),
    at: z.string().nullable(), redriven: z.boolean(),
  })),
});

function sourceTopic(name: string | undefined): TopicKey {
  if (!name || !isDeadLetterSource(name)) throw notFound('topic');
  return name;
}

export function deadLetterRoutes(deps: AdminRoutesDeps): Router {
  const api = documented(Router(), { tag: 'Admin: dead letters', auth: 'admin' });

  api.get('/dead-letters', {
    summary: 'What each dead-letter queue holds',
    responses: { 200: { description: 'per source topic: held and not yet re-driven', body: summary } },
  }, async (_req, res) => {
    res.json({ topics: await deadLetterSummary(deps) });
  });

  api.get('/dead-letters/:topic', {
    summary: 'The newest dead letters of a source topic',
    description: 'Reason, consumer, source partition/offset and value size; never the value.',
    params: topicParams,
    query: listQuery,
    responses: { 200: { description: 'newest first', body: listing } },
  }, async (req, res) => {
    const topic = sourceTopic(req.params.topic);
    const { limit } = validate(listQuery, req.query, 'query');
    res.json({ topic, deadLetters: await listDeadLetters(deps, topic, { limit }) });
  });

  api.post('/dead-letters/:topic/redrive', {
    summary: 'Re-drive dead letters to their source topic',
    description: 'Copies each not-yet-re-driven record back (same key and bytes) for the consumer that failed it; asking twice re-drives nothing twice. Audited.',
    params: topicParams,
    responses: { 200: { description: 'how many were re-driven', body: z.object({ redriven: z.number().int() }) } },
  }, async (req, res) => {
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

  return api.router;
}
