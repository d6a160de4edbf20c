// Errors as the API promises them: `{error: {code, message, fields?}}`, never a stack trace.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { isTransientDbError } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import { DependencyUnavailable } from '../platform/unavailable.js';

/** What a 503 tells the client to wait before trying again. */
const RETRY_AFTER_SECONDS = 5;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

/** The body of every error answer (described once in the OpenAPI document as `Error`). */
export const errorBody = z.object({
  error: z.object({
    code: z.string().meta({ description: 'stable, machine-readable: validation_failed, unauthenticated, not_found, rate_limited…' }),
    message: z.string().meta({ description: 'for people; never echoes what was sent' }),
    fields: z.record(z.string(), z.string()).optional().meta({ description: 'on validation_failed: each bad field (dotted path) and what is wrong with it' }),
  }),
});

export const notFound = (what = 'integration') => new HttpError(404, 'not_found', `${what} not found`);

/** Adds a field's first message; `constructor` and `__proto__` are field names like any other (an own property, never the prototype). */
export function nameField(fields: Record<string, string>, key: string, message: string): void {
  if (!Object.hasOwn(fields, key)) Object.defineProperty(fields, key, { value: message, enumerable: true, writable: true, configurable: true });
}

/** Parses with zod or throws a 400 naming every bad field, e.g. `{"config.url": "must be an http(s) URL"}`. */
export function validate<T>(schema: z.ZodType<T>, input: unknown, where = 'body'): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? issue.path.join('.') : where;
    nameField(fields, key, issue.message);
  }
  throw new HttpError(400, 'validation_failed', `invalid ${where}: ${Object.keys(fields).join(', ')}`, fields);
}

/** What a 4xx thrown by Express's own layers says, in our words; every 400 names a field. */
function clientFault(err: { type?: unknown }, status: number): { code: string; message: string; fields?: Record<string, string> } {
  if (err instanceof URIError) return { code: 'validation_failed', message: 'invalid path', fields: { path: 'is not valid percent-encoding' } };
  if (status === 413) return { code: 'payload_too_large', message: 'request body too large' };
  if (status === 415) return { code: 'unsupported_media_type', message: 'send the body as UTF-8 JSON without content encoding' };
  // body-parser names its errors (`entity.parse.failed`…); a 400 without a type comes from serving a path.
  if (status === 400 && typeof err.type === 'string') return { code: 'bad_request', message: 'malformed request body', fields: { body: 'is not valid JSON (an object or an array)' } };
  if (status === 400) return { code: 'validation_failed', message: 'invalid path', fields: { path: 'is not a valid path' } };
  return { code: 'bad_request', message: 'the request cannot be read' };
}

export const routeNotFound: RequestHandler = (_req, _res, next) => next(new HttpError(404, 'not_found', 'no such route'));

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } });
      return;
    }
    // body-parser (bad JSON, too large, unsupported charset) and the router (a path that is not
    // valid percent-encoding) carry a 4xx status; their messages may echo input, so never shown.
    // First: they have no SQLSTATE either, and are not a database that went away.
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status < 500) {
      const { code, message, fields } = clientFault(err, status);
      res.status(status).json({ error: { code, message, ...(fields ? { fields } : {}) } });
      return;
    }
    // Kafka, the registry or Postgres could not take it: nothing was recorded, so say "later",
    // never a 202 for a fact that was not acknowledged.
    const unavailable = err instanceof DependencyUnavailable ? err.dependency : isTransientDbError(err) ? 'postgres' : undefined;
    if (unavailable) {
      log.warn({ dependency: unavailable, err: { message: err?.message }, method: req.method, path: req.originalUrl.split('?')[0] }, 'request refused: a dependency is unavailable');
      res.set('Retry-After', String(RETRY_AFTER_SECONDS)).status(503).json({
        error: { code: 'temporarily_unavailable', message: `Pulse cannot ${req.method === 'GET' ? 'answer' : 'record this'} right now (${unavailable} is unavailable). Try again in a few seconds.` },
      });
      return;
    }
    log.error({ err: { message: err?.message, name: err?.name }, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: { code: 'internal_error', message: 'something went wrong on our side' } });
  };
}
