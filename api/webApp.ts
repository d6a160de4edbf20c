// Serves the built React app (web/dist) in production; Vite serves it in development.
// Any GET that is not an API route gets index.html, so the app's own routes deep-link.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { projectRoot } from '../platform/config.js';

export function webApp(dist = path.join(projectRoot, 'web', 'dist')): Router {
  const router = Router();
  if (!existsSync(path.join(dist, 'index.html'))) return router;
  // The build's source maps exist for test coverage only (hidden: no chunk points at them).
  router.use((req, res, next) => (req.path.endsWith('.map') ? res.status(404).end() : next()));
  // Hashed file names change with their content: cache them for good. A missing one is a 404
  // (below), never index.html, which a browser would try to run as a stale chunk.
  router.use('/assets', express.static(path.join(dist, 'assets'), { index: false, immutable: true, maxAge: '365d' }));
  router.use(express.static(dist, { index: false, maxAge: '1h' }));
  // index.html names the current chunks, so browsers must revalidate it after every deploy.
  router.get(/^\/(?!\/|api\/|ws$|docs\/|metrics$|healthz$|readyz$|assets\/).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(dist, 'index.html'));
  });
  return router;
}
