// /api/admin: the admin portal's API. POST /session (login) is open; everything else needs an
// admin session cookie, plus the CSRF token on writes (requireAdmin; docs/admin-auth.md).
// User bearer tokens are never accepted here.
import { Router } from 'express';
import type { ProjectorDeps } from '../../consumers/projector.js';
import type { EventProducer } from '../../platform/kafka.js';
import type { Projection } from '../../projections/projection.js';
import { requireAdmin } from '../auth.js';
import { audit, auditContext } from '../audit.js';
import { adminMetricsRoutes } from './adminMetrics.js';
import { adminAuditRoutes } from './adminAudit.js';
import { adminAccountRoutes } from './adminAccounts.js';
import { deadLetterRoutes } from './adminDeadLetters.js';
import { adminHealthRoutes, type AdminHealthDeps } from './adminHealth.js';
import { replayRoutes } from './adminReplays.js';
import { adminLoginRoutes, adminSessionRoutes, type AdminSessionDeps } from './adminSession.js';
import { adminAlertRoutes } from './adminAlerts.js';
import { alertRuleRoutes, type AlertConfigDeps } from './adminAlertRules.js';
import { webhookRoutes, type WebhookRoutesDeps } from './adminWebhooks.js';

export interface AdminRoutesDeps extends ProjectorDeps, AdminSessionDeps, AlertConfigDeps, WebhookRoutesDeps {
  /** What can be replayed. */
  projections: Projection<any>[];
  /** Writes audit events. */
  producer: EventProducer;
}

export function adminRoutes(deps: AdminRoutesDeps & AdminHealthDeps): Router {
  const router = Router();
  router.use(auditContext(deps));
  router.use(adminLoginRoutes(deps));
  router.use(requireAdmin(deps.adminSessions, deps.adminRequestRate));
  router.use(adminSessionRoutes(deps));
  router.use(adminAuditRoutes(deps));
  router.use(adminAccountRoutes(deps));
  router.use(deadLetterRoutes(deps));
  router.use(replayRoutes(deps));
  router.use(adminMetricsRoutes({ ...deps, onExport: (req, _res, what) => audit(req, 'export', what, 'success') }));
  router.use(adminHealthRoutes(deps));
  router.use(adminAlertRoutes(deps));
  router.use(alertRuleRoutes(deps));
  router.use(webhookRoutes(deps));
  return router;
}
