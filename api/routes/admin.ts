// /api/admin: routes for admins only (admin bearer token; user tokens are refused).
import { Router } from 'express';
import type { ProjectorDeps } from '../../consumers/projector.js';
import type { Projection } from '../../projections/projection.js';
import { deadLetterRoutes } from './adminDeadLetters.js';
import { adminHealthRoutes, type AdminHealthDeps } from './adminHealth.js';
import { replayRoutes } from './adminReplays.js';

export interface AdminRoutesDeps extends ProjectorDeps {
  /** What can be replayed. */
  projections: Projection<any>[];
}

export function adminRoutes(deps: AdminRoutesDeps & AdminHealthDeps): Router {
  const router = Router();
  router.use(deadLetterRoutes(deps));
  router.use(replayRoutes(deps));
  router.use(adminHealthRoutes(deps));
  return router;
}
