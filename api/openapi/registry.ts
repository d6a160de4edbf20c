// Routes describe themselves where they are declared: `documented(router, …).get(path, doc,
// handler)` adds the Express route AND records its OpenAPI operation on that router. The
// document (document.ts) is then built by walking the app's mounted routers, so a documented
// path is always a mounted one, with its real prefix. See docs/api.md.
import type { RequestHandler, Router } from 'express';
import type { z } from 'zod';
import { guardInput } from '../inputGuard.js';

/**
 * Who may call an operation: nobody in particular, a user (bearer JWT), or an admin (session
 * cookie; on POST/PUT/PATCH/DELETE also the CSRF header, added to the document automatically).
 */
export type Auth = 'none' | 'user' | 'admin';
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseDoc {
  description: string;
  /** The JSON body (output side of the zod schema). Omitted on an error status: the standard `{error}` shape. */
  body?: z.ZodType;
  /** Bodies that are not JSON, by media type (e.g. `text/csv`). */
  media?: Record<string, { description?: string; example?: string }>;
  /** Response headers worth knowing, name → description (e.g. `Retry-After`). */
  headers?: Record<string, string>;
}

export interface OperationDoc {
  summary: string;
  description?: string;
  /** Defaults to the router's tag. */
  tags?: string[];
  /** Defaults to the router's auth. */
  auth?: Auth;
  /** Path parameters (`:id` → `{id}`); a parameter not described here is a plain string. */
  params?: z.ZodObject;
  /** The very schema the handler passes to `validate(…, req.query, 'query')`. */
  query?: z.ZodType;
  /** The very schema the handler passes to `validate(…, req.body)`. */
  body?: z.ZodType;
  /** By status. The usual errors (400 with a query/body, 401/403 by auth, 404 with path parameters) are added for you. */
  responses: Record<number, ResponseDoc | string>;
}

export interface Operation extends OperationDoc {
  method: Method;
  /** Express path relative to the router it is declared on, e.g. `/:id/health`. */
  path: string;
  tags: string[];
  auth: Auth;
}

export interface RouterDefaults {
  tag: string;
  auth: Auth;
}

const declared = new WeakMap<object, Operation[]>();

/** The operations declared on this router (not on routers mounted inside it). */
export const operationsOf = (router: object): readonly Operation[] => declared.get(router) ?? [];

/** Documented paths have only plain `:name` parameters, so each is one string. */
type Handler = RequestHandler<Record<string, string>>;
type Declare = (path: string, doc: OperationDoc, ...handlers: Handler[]) => DocumentedRouter;

export interface DocumentedRouter {
  router: Router;
  get: Declare;
  post: Declare;
  put: Declare;
  patch: Declare;
  delete: Declare;
}

/** Wraps a router so that every route declared through it is documented. */
export function documented(router: Router, defaults: RouterDefaults): DocumentedRouter {
  const ops = declared.get(router) ?? [];
  declared.set(router, ops);
  const declare = (method: Method): Declare => (path, doc, ...handlers) => {
    if (ops.some((o) => o.method === method && o.path === path)) throw new Error(`${method.toUpperCase()} ${path} is declared twice`);
    if (/[*?(){}]/.test(path)) throw new Error(`${method.toUpperCase()} ${path}: documented paths take plain segments and :params only`);
    // The shared input rules (no NUL anywhere, no line breaks in URLs and headers) come first.
    router[method](path, guardInput, ...(handlers as RequestHandler[]));
    ops.push({ ...doc, method, path, tags: doc.tags ?? [defaults.tag], auth: doc.auth ?? defaults.auth });
    return api;
  };
  const api: DocumentedRouter = { router, get: declare('get'), post: declare('post'), put: declare('put'), patch: declare('patch'), delete: declare('delete') };
  return api;
}
