// The OpenAPI 3.1 document, built from the running app: walk the mounted routers (Express 5
// `listRoutes`), take the operations each declared (registry.ts) with their real mount
// prefix, convert their zod schemas. Nothing here lists a route by hand.
import { errorBody } from '../errors.js';
import { csrfHeader, adminCookieName } from '../adminSessions.js';
import { jsonSchemaOf, propertiesOf, type JsonSchema } from './jsonSchema.js';
import { operationsOf, type Operation, type ResponseDoc } from './registry.js';

/** The slice of an Express 5 router (and `app.router`) the walk needs. */
export interface RouteListing {
  listRoutes(): { path: string | RegExp; methods?: string[]; router?: RouteListing }[];
}

export interface MountedOperation extends Operation {
  /** OpenAPI style, e.g. `/api/integrations/{id}/health`. */
  fullPath: string;
  pathParams: string[];
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

const join = (prefix: string, path: string) => {
  const p = prefix === '/' ? '' : prefix.replace(/\/+$/, '');
  return path === '/' ? p || '/' : `${p}${path}`;
};

/** `/:id/health` → `/{id}/health` and its parameter names. */
export function openApiPath(expressPath: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = expressPath.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => (params.push(name), `{${name}}`));
  if (/[*?(){}]/.test(path.replace(/\{[A-Za-z0-9_]+\}/g, ''))) throw new Error(`cannot document the Express path ${expressPath}: use plain segments and :params`);
  return { path, params };
}

/** Every documented operation mounted under `router`, with its full path. */
export function mountedOperations(router: RouteListing, prefix = '/'): MountedOperation[] {
  const own = operationsOf(router).map((op) => {
    const { path, params } = openApiPath(join(prefix, op.path));
    return { ...op, fullPath: path, pathParams: params };
  });
  const nested = router.listRoutes().flatMap((r) => (r.router && typeof r.path === 'string' ? mountedOperations(r.router, join(prefix, r.path)) : []));
  return [...own, ...nested];
}

const errorRef = { $ref: '#/components/schemas/Error' };
const errorContent = { 'application/json': { schema: errorRef } };

const standardResponses = {
  ValidationFailed: { description: '`validation_failed`: `error.fields` names each bad field (dotted path, e.g. `config.url`) and what is wrong. Every operation refuses U+0000 in any path, query or body string (and line breaks in URLs, e-mail addresses and headers)', content: errorContent },
  Unauthenticated: { description: '`unauthenticated`: no valid credentials for this side of the API (user routes take only a user bearer token, admin routes only an admin session)', content: errorContent },
  CsrfFailed: { description: `\`csrf_failed\`: the \`${csrfHeader}\` header is missing or not this session's token (audited as \`csrf.rejected\`)`, content: errorContent },
  NotFound: { description: '`not_found`: no such resource — or one that is not yours, indistinguishably', content: errorContent },
  RateLimited: {
    description: '`rate_limited`: too many requests from this user (USER_REQUESTS_PER_MINUTE) or admin session (ADMIN_REQUESTS_PER_MINUTE) this minute; every answer carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`',
    headers: { 'Retry-After': { description: 'seconds until the window ends', schema: { type: 'string' } } },
    content: errorContent,
  },
};

const writes = new Set(['post', 'put', 'patch', 'delete']);

function security(op: Operation) {
  if (op.auth === 'user') return [{ userBearer: [] }];
  if (op.auth === 'admin') return [writes.has(op.method) ? { adminSession: [], csrfToken: [] } : { adminSession: [] }];
  return [];
}

function response(status: number, doc: ResponseDoc | string) {
  const r = typeof doc === 'string' ? { description: doc } : doc;
  const content: Record<string, unknown> = {};
  if (r.body) content['application/json'] = { schema: jsonSchemaOf(r.body, 'output') };
  else if (status >= 400) Object.assign(content, errorContent);
  for (const [type, m] of Object.entries(r.media ?? {})) content[type] = { schema: { type: 'string', ...(m.description ? { description: m.description } : {}) }, ...(m.example ? { example: m.example } : {}) };
  const headers = r.headers && Object.fromEntries(Object.entries(r.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
  return { description: r.description, ...(headers ? { headers } : {}), ...(Object.keys(content).length ? { content } : {}) };
}

function operationObject(op: MountedOperation) {
  const pathSchemas = op.params ? jsonSchemaOf(op.params, 'input') : {};
  const pathProps = new Map(propertiesOf(pathSchemas).map((p) => [p.name, p.schema]));
  const undeclared = [...pathProps.keys()].filter((name) => !op.pathParams.includes(name));
  if (undeclared.length) throw new Error(`${op.method.toUpperCase()} ${op.fullPath} describes path parameters it does not have: ${undeclared.join(', ')}`);
  const parameters: Record<string, unknown>[] = op.pathParams.map((name) => param(name, 'path', pathProps.get(name) ?? { type: 'string' }, true));
  if (op.query) for (const p of propertiesOf(jsonSchemaOf(op.query, 'input'))) parameters.push(param(p.name, 'query', p.schema, p.required));

  const responses: Record<string, unknown> = {};
  // Every operation: the input rules (api/inputGuard.ts) apply to any path, query and body.
  responses['400'] = { $ref: '#/components/responses/ValidationFailed' };
  if (op.auth !== 'none') responses['401'] = { $ref: '#/components/responses/Unauthenticated' };
  if (op.auth === 'admin' && writes.has(op.method)) responses['403'] = { $ref: '#/components/responses/CsrfFailed' };
  if (op.pathParams.length) responses['404'] = { $ref: '#/components/responses/NotFound' };
  if (op.auth !== 'none') responses['429'] = { $ref: '#/components/responses/RateLimited' };
  for (const [status, doc] of Object.entries(op.responses)) responses[status] = response(Number(status), doc);

  return {
    operationId: operationId(op),
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: op.tags,
    security: security(op),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(op.body, 'input') } } } } : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
}

function param(name: string, where: 'path' | 'query', schema: JsonSchema, required: boolean) {
  const { description, ...rest } = schema;
  return { name, in: where, required, ...(typeof description === 'string' ? { description } : {}), schema: rest };
}

const operationId = (op: MountedOperation) =>
  op.method + op.fullPath.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

/** The OpenAPI 3.1 document of every documented route mounted on `app.router`. */
export function openApiDocument(app: { router: RouteListing }, info: DocumentInfo): Record<string, unknown> {
  const ops = mountedOperations(app.router);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of ops) {
    const item = (paths[op.fullPath] ??= {});
    if (item[op.method]) throw new Error(`${op.method.toUpperCase()} ${op.fullPath} is documented twice`);
    item[op.method] = operationObject(op);
  }
  const tags = [...new Set(ops.flatMap((o) => o.tags))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags,
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: { Error: jsonSchemaOf(errorBody, 'output') },
      responses: standardResponses,
      securitySchemes: {
        userBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A user token: HS256, issuer `pulse`, audience exactly `pulse-user`, `sub` = user id, `exp` required and at most USER_TOKEN_MAX_LIFETIME_HOURS (24) after `iat` (`pulse token <userId>` mints one).' },
        adminSession: { type: 'apiKey', in: 'cookie', name: adminCookieName, description: 'The admin portal session cookie set by `POST /api/admin/session` (HttpOnly, SameSite=Strict, Path=/api/admin).' },
        csrfToken: { type: 'apiKey', in: 'header', name: csrfHeader, description: 'The `csrfToken` of the login response, on every admin POST/PUT/PATCH/DELETE.' },
      },
    },
  };
}
