// GET /api/openapi.json (the document, built once from the mounted routes) and GET /api/docs
// (a small page rendering it; its script and styles are same-origin files, so helmet's
// default CSP — script-src 'self' — allows them, and nothing comes from a CDN).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { z } from 'zod';
import { projectRoot } from '../../platform/config.js';
import { openApiDocument, type RouteListing } from './document.js';
import { documented } from './registry.js';

const pageDir = fileURLToPath(new URL('./page/', import.meta.url));
export const openApiPath = '/api/openapi.json';

const info = () => ({
  title: 'Pulse API',
  version: (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version,
  description: [
    'Integration health: users see and manage their own integrations (bearer JWT); admins see everything through the portal (session cookie + CSRF header).',
    'Every error answers `{"error":{"code","message","fields?"}}`; `validation_failed` names each bad field in `fields`.',
    "Another user's integration answers 404 exactly like an unknown one.",
    'Real-time push is a WebSocket at `/ws` (users) and `/api/admin/ws` (admins): see api/realtime/README.md.',
  ].join('\n\n'),
});

const documentShape = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) });

export function openApiRoutes(): Router {
  const api = documented(Router(), { tag: 'API description', auth: 'none' });
  let document: string | null = null;

  api.get(openApiPath, {
    summary: 'This document (OpenAPI 3.1)',
    description: 'Generated from the zod schemas the routes validate with; request schemas describe what the client sends.',
    responses: { 200: { description: 'the OpenAPI document', body: documentShape } },
  }, (req, res) => {
    // Built on first use: by then every router is mounted.
    document ??= JSON.stringify(openApiDocument(req.app as unknown as { router: RouteListing }, info()));
    res.type('application/json').send(document);
  });

  api.get('/api/docs', {
    summary: 'Human-readable API reference',
    responses: { 200: { description: 'an HTML page rendering this document', media: { 'text/html': {} } } },
  }, (_req, res) => {
    res.sendFile(path.join(pageDir, 'index.html'));
  });
  api.router.use('/api/docs/assets', express.static(pageDir, { index: false, maxAge: '1h' }));

  return api.router;
}
