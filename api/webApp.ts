// Serves the built React app (web/dist) in production; Vite serves it in development.
// Any GET that is not an API route gets index.html, so the app's own routes deep-link.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { projectRoot } from '../platform/config.js';

export function webApp(dist = path.join(projectRoot, 'web', 'dist')): Router {
  const router = Router();
  if (!existsSync(path.join(dist, 'index.html'))) return router;
  router.use(express.static(dist, { index: false, maxAge: '1h' }));
  router.get(/^\/(?!api\/|ws$|docs\/|metrics$|healthz$|readyz$).*/, (_req, res) => {
    res.sendFile(path.join(dist, 'index.html'));
  });
  return router;
}
