// /api/admin: routes for admins only (admin bearer token; user tokens are refused).
import { Router } from 'express';
import type { Db } from '../../platform/db.js';
import type { KafkaClient } from '../../platform/kafka.js';
import type { Topics } from '../../platform/topics.js';
import { deadLetterRoutes } from './adminDeadLetters.js';

export interface AdminRoutesDeps {
  db: Db;
  kafka: KafkaClient;
  topics: Topics;
}

export function adminRoutes(deps: AdminRoutesDeps): Router {
  const router = Router();
  router.use(deadLetterRoutes(deps));
  return router;
}
