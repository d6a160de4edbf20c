// The Express application: JSON in, JSON out, every input validated, errors in one shape.
import express from 'express';
import cors from 'cors';
import helmet from 'helmet';
import type { Logger } from '../platform/logger.js';
import { requireUser, type UserTokenAuth } from './auth.js';
import { limitRequests, type RequestRate } from './requestRate.js';
import { adminRoutes, type AdminRoutesDeps } from './routes/admin.js';
import type { AdminHealthDeps } from './routes/adminHealth.js';
import { errorHandler, routeNotFound } from './errors.js';
import { oauthRoutes, type OAuthDeps } from './oauth.js';
import { openApiRoutes } from './openapi/routes.js';
import { probeRoutes, type ProbeDeps } from './routes/probes.js';
import path from 'node:path';
import { projectRoot } from '../platform/config.js';
import { integrationRoutes, type IntegrationRoutesDeps } from './routes/integrations.js';
import { integrationAlertRoutes } from './routes/integrationAlerts.js';
import { recordUserContact } from './userContacts.js';
import { webApp } from './webApp.js';
import { shareSocketAccess } from './realtime/access.js';
import type { IncomingMessage } from 'node:http';

export interface AppDeps extends IntegrationRoutesDeps, AdminRoutesDeps, AdminHealthDeps, OAuthDeps, ProbeDeps {
  jwtSecret: string;
  /** User bearer tokens: the secret and the lifetime limit (USER_TOKEN_MAX_LIFETIME_HOURS). */
  userTokens: UserTokenAuth;
  /** Requests per minute per user (USER_REQUESTS_PER_MINUTE). */
  userRequestRate: RequestRate;
  log: Logger;
  corsOrigins: string[];
  /** Express `trust proxy` (config TRUST_PROXY): who may tell us the client's address. */
  trustProxy: boolean | number | string;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy);
  app.use(helmet());
  // Credentials (the admin cookie) only for configured origins; none by default.
  app.use(cors({ origin: deps.corsOrigins.length ? deps.corsOrigins : false, credentials: true }));
  app.use(express.json({ limit: '64kb' }));
  app.use((req, res, next) => {
    const started = performance.now();
    // Path only: query strings could carry tokens.
    res.on('finish', () => deps.log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request'));
    next();
  });

  // Every route is declared through api/openapi/registry.ts, so /api/openapi.json lists it (docs/api.md).
  // Per-user request rate after authentication: an anonymous request has no user to count against.
  app.use('/api/integrations', requireUser(deps.userTokens), limitRequests(deps.userRequestRate, (res) => res.locals.userId, 'per user'),
    recordUserContact(deps.db), integrationAlertRoutes(deps), integrationRoutes(deps));
  // The provider sends the browser back here; the signed state authenticates it.
  app.use('/api/oauth', oauthRoutes(deps));
  // Troubleshooting docs behind the docsUrl of every error (DOCS_BASE_URL defaults to /docs).
  app.use('/docs', express.static(path.join(projectRoot, 'docs'), { index: false }));
  // Admin portal: its own login and session cookie (+ CSRF); see routes/admin.ts.
  app.use('/api/admin', adminRoutes(deps));
  app.use(probeRoutes(deps));
  app.use(openApiRoutes());
  // The built web app (web/dist) for every other GET, so deep links work.
  app.use(webApp());
  app.use(routeNotFound);
  app.use(errorHandler(deps.log));
  // The WebSocket server on the same HTTP server: admin sessions, the origins allowed to use
  // the admin cookie, and the client's address by this app's `trust proxy` (realtime/access.ts).
  shareSocketAccess(app, {
    adminSessions: deps.adminSessions,
    origins: [deps.publicApiUrl, ...deps.corsOrigins].flatMap((u) => (URL.canParse(u) ? [new URL(u).origin] : [])),
    clientOf: (req) => {
      const view = expressView(app, req);
      return { ip: view.ip ?? req.socket.remoteAddress ?? 'unknown', host: view.host };
    },
  });
  return app;
}

/** A raw request seen through Express's request getters (req.ip, req.host), as Express itself does per request. */
function expressView(app: express.Express, req: IncomingMessage): express.Request {
  return Object.create(app.request, { headers: { value: req.headers }, socket: { value: req.socket } }) as express.Request;
}
