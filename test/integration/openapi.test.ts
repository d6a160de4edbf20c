import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { Validator } from '@seriousme/openapi-schema-validator';
import { mountedOperations, type MountedOperation, type RouteListing } from '../../api/openapi/document.js';
import type { ResponseDoc } from '../../api/openapi/registry.js';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { adminSession, type AdminCall } from '../support/adminSession.js';
import { eventually, startPulse, type ApiResponse, type RunningPulse } from '../support/pulse.js';

type Schema = Record<string, any>;
type DocOp = { path: string; method: string; op: Schema };

/** Every `METHOD /path` Express has mounted, found by walking the router stack (Express 5 `listRoutes`), `:p` written `{p}`. */
function mountedRoutes(router: RouteListing, prefix = ''): string[] {
  return router.listRoutes().flatMap((r) => {
    if (r.path instanceof RegExp) {
      // The web app's deep-link fallback (web/dist, when built) never answers under /api.
      if (!r.path.test('/api/anything')) return [];
      return [`${r.methods} ${r.path}`];
    }
    const path = `${prefix}${r.path === '/' ? '' : r.path}`;
    if (r.router) return mountedRoutes(r.router, path);
    return (r.methods ?? []).filter((m) => m !== 'HEAD').map((m) => `${m} ${(path || '/').replace(/:(\w+)/g, '{$1}')}`);
  });
}

/** A value the document itself says is invalid for this schema, or undefined if it says any string goes. */
function invalidValue(schema: Schema, where: 'query' | 'body'): unknown {
  if (Array.isArray(schema.enum)) return 'not-a-valid-value';
  if (schema.format === 'date-time') return 'yesterday';
  if (schema.type === 'integer' || schema.type === 'number') return typeof schema.minimum === 'number' && where === 'query' ? String(schema.minimum - 1) : 'abc';
  if (schema.type === 'string') return where === 'body' ? 12345 : schema.minLength >= 1 ? '' : undefined;
  if (where === 'body' && ['boolean', 'object', 'array'].includes(schema.type)) return 'x';
  return undefined;
}

describe('OpenAPI document (/api/openapi.json)', function () {
  this.timeout(120_000);
  let pulse: RunningPulse;
  let app: express.Express;
  let target: HttpTarget;
  let admin: AdminCall;
  let token: string;
  let integrationId: string;
  let doc: Schema;
  let ops: DocOp[];
  let connected: ApiResponse;
  /** An instant after the integration was connected and first checked (for asOf queries). */
  let checkedAt: number;

  const operation = (method: string, path: string) => mountedOperations(app.router as unknown as RouteListing)
    .find((o) => o.method === method && o.fullPath === path) as MountedOperation;
  const bodySchemaOf = (op: MountedOperation, status: number) => (op.responses[status] as ResponseDoc).body!;
  const pathFor = (path: string, sample: (name: string, schema: Schema) => string, op: Schema) =>
    path.replace(/\{(\w+)\}/g, (_m, name: string) => sample(name, op.parameters.find((p: Schema) => p.in === 'path' && p.name === name).schema));
  const fakeParam = (_name: string, schema: Schema) => (schema.enum ? schema.enum[0] : schema.format === 'uuid' ? randomUUID() : 'x');
  /** Calls an operation with the credentials the document asks for. */
  const call = (method: string, path: string, op: Schema, body?: unknown) => {
    const needs = new Set(op.security.flatMap((s: Schema) => Object.keys(s)));
    if (needs.has('adminSession')) return admin(method, path, { body, csrf: needs.has('csrfToken') });
    return pulse.api(method, path, { body, token: needs.has('userBearer') ? token : undefined });
  };

  before(async () => {
    target = await startHttpTarget();
    // The app the running API serves, caught as it handles a request (however the API attaches
    // it to its server): the test walks the real router stack. Express copies the application
    // methods onto each app it creates, so the wrapper is in place only for apps made meanwhile.
    const apps = new Set<express.Express>();
    const proto = express.application as unknown as { handle: (...a: unknown[]) => unknown };
    const handle = proto.handle;
    proto.handle = function (this: express.Express, ...args: unknown[]) {
      apps.add(this);
      return handle.apply(this, args);
    };
    try {
      pulse = await startPulse({ reach: [target.url] });
    } finally {
      proto.handle = handle;
    }
    expect((await pulse.api('GET', '/healthz')).status).to.equal(200);
    expect(apps.size).to.equal(1);
    app = [...apps][0] as express.Express;
    token = pulse.tokenFor('openapi-user');
    admin = await adminSession(pulse);
    connected = await pulse.api('POST', '/api/integrations', { token, body: { provider: 'http', displayName: 'Documented', config: { url: `${target.url}/doc` }, checkIntervalSeconds: 3600 } });
    integrationId = connected.body.id;
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${integrationId}/health`, { token })).body?.checkCount === 1, 'first check', 90_000);
    checkedAt = Date.now();
    const res = await pulse.api('GET', '/api/openapi.json');
    expect(res.status).to.equal(200);
    doc = res.body;
    ops = Object.entries(doc.paths as Schema).flatMap(([path, item]) => Object.entries(item as Schema).map(([method, op]) => ({ path, method, op })));
  });
  after(async () => {
    await pulse?.stop();
    await target?.close();
  });

  it('is a valid OpenAPI 3.1 document, served without credentials', async () => {
    expect(doc.openapi).to.match(/^3\.1\./);
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? [], JSON.stringify(result.errors)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });

  it('documents every route Express has mounted, and nothing it has not', () => {
    const mounted = mountedRoutes(app.router as unknown as RouteListing).sort();
    const documented = ops.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    expect(mounted.length).to.be.greaterThan(25);
    expect(documented).to.deep.equal(mounted);
    // Named in the issue, so spelled out: user, OAuth, admin and operations routes all there.
    for (const must of ['GET /api/integrations', 'POST /api/integrations/{id}/health/check', 'GET /api/integrations/{id}/health/history', 'GET /api/oauth/callback',
      'POST /api/admin/session', 'DELETE /api/admin/session', 'POST /api/admin/password', 'GET /api/admin/providers/{provider}/health', 'GET /api/admin/audit',
      'POST /api/admin/dead-letters/{topic}/redrive', 'POST /api/admin/replays', 'GET /api/admin/integrations/{id}/health', 'GET /healthz', 'GET /readyz', 'GET /metrics']) {
      expect(documented).to.include(must);
    }
  });

  it('describes each operation with its auth, and the request shapes the client sends', () => {
    const get = (method: string, path: string) => (doc.paths[path] as Schema)[method] as Schema;
    expect(get('get', '/api/integrations').security).to.deep.equal([{ userBearer: [] }]);
    expect(get('get', '/api/admin/audit').security).to.deep.equal([{ adminSession: [] }]);
    expect(get('post', '/api/admin/replays').security).to.deep.equal([{ adminSession: [], csrfToken: [] }]);
    expect(get('post', '/api/admin/session').security).to.deep.equal([]);
    expect(get('get', '/api/openapi.json').security).to.deep.equal([]);
    // csvList and isoTime transform on the server; the client sends strings.
    const list = get('get', '/api/integrations').parameters as Schema[];
    expect(list.find((p) => p.name === 'status')!).to.deep.include({ in: 'query', required: false, schema: { type: 'string' } });
    expect(list.find((p) => p.name === 'status')!.description).to.contain('green, yellow, red, unknown');
    expect(list.find((p) => p.name === 'limit')!.schema).to.deep.include({ type: 'integer', minimum: 1, maximum: 200, default: 50 });
    const history = get('get', '/api/integrations/{id}/health/history').parameters as Schema[];
    expect(history.find((p) => p.name === 'from')!.schema).to.deep.equal({ type: 'string', format: 'date-time' });
    const connect = get('post', '/api/integrations').requestBody.content['application/json'].schema;
    expect(connect.required).to.have.members(['provider', 'displayName', 'config']);
    expect(connect.properties.provider.enum).to.include('http');
    expect(get('post', '/api/integrations/{id}/health/check').responses['429'].headers).to.have.key('Retry-After');
    expect(doc.components.schemas.Error.properties.error.required).to.have.members(['code', 'message']);
  });

  it('answers every documented operation with a documented status, never "no such route"', async () => {
    // Logging out ends the session the other calls use: last.
    const ordered = [...ops].sort((a, b) => Number(a.path === '/api/admin/session' && a.method === 'delete') - Number(b.path === '/api/admin/session' && b.method === 'delete'));
    for (const { path, method, op } of ordered) {
      const url = pathFor(path, fakeParam, op);
      const res = await call(method.toUpperCase(), url, op, ['post', 'put', 'patch'].includes(method) ? {} : undefined);
      const what = `${method.toUpperCase()} ${url} → ${res.status} ${res.text.slice(0, 200)}`;
      expect(res.body?.error?.message, what).not.to.equal('no such route');
      expect(Object.keys(op.responses), what).to.include(String(res.status));
    }
    admin = await adminSession(pulse); // logged out above
  });

  it('keeps the two sides apart on every documented route: user tokens never open admin ones, the admin cookie never opens user ones', async () => {
    const user = pulse.tokenFor('openapi-crossover');
    let checked = 0;
    for (const { path, method, op } of ops) {
      const needs = new Set(op.security.flatMap((s: Schema) => Object.keys(s)));
      if (!needs.size) continue;
      const url = pathFor(path, fakeParam, op);
      const body = ['post', 'put', 'patch'].includes(method) ? {} : undefined;
      const res = needs.has('userBearer')
        ? await pulse.api(method.toUpperCase(), url, { body, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken } })
        : await pulse.api(method.toUpperCase(), url, { body, token: user });
      expect(res.status, `${method.toUpperCase()} ${url} with the other side's credentials`).to.equal(401);
      checked++;
    }
    expect(checked).to.be.greaterThan(20);
  });

  it("answers another user's integration exactly like an unknown one on every user operation with an id", async () => {
    const stranger = pulse.tokenFor('openapi-stranger');
    const withId = ops.filter(({ op, path }) => path.includes('{id}') && op.security.some((s: Schema) => 'userBearer' in s));
    expect(withId.length).to.be.at.least(5);
    for (const { path, method, op } of withId) {
      const body = ['post', 'put', 'patch'].includes(method) ? { displayName: 'not yours' } : undefined;
      const theirs = await pulse.api(method.toUpperCase(), pathFor(path, () => integrationId, op), { token: stranger, body });
      const unknown = await pulse.api(method.toUpperCase(), pathFor(path, () => randomUUID(), op), { token: stranger, body });
      const what = `${method.toUpperCase()} ${path} as a stranger`;
      expect(theirs.status, what).to.equal(404);
      expect(theirs.text, what).to.equal(unknown.text);
    }
    const mine = await pulse.api('GET', `/api/integrations/${integrationId}/health`, { token });
    expect(mine.status).to.equal(200);
    expect(mine.body.displayName).to.equal('Documented');
  });

  it('round-trips per group: a request the document calls invalid answers 400 naming that field', async () => {
    const roundTripped = new Set<string>();
    const withInputs = new Set<string>();
    for (const { path, method, op } of ops) {
      const queryParams = ((op.parameters ?? []) as Schema[]).filter((p) => p.in === 'query');
      const bodySchema = op.requestBody?.content['application/json'].schema as Schema | undefined;
      let field: string | undefined;
      let query = '';
      let body: unknown;
      for (const p of queryParams) {
        const bad = invalidValue(p.schema, 'query');
        if (bad === undefined) continue;
        field = p.name;
        query = `?${new URLSearchParams({ [p.name]: String(bad) })}`;
        break;
      }
      if (!field && bodySchema) {
        for (const [name, s] of Object.entries((bodySchema.properties ?? {}) as Record<string, Schema>)) {
          const bad = invalidValue(s, 'body');
          if (bad === undefined) continue;
          field = name;
          body = { [name]: bad };
          break;
        }
      }
      if (!field) continue;
      withInputs.add(op.tags[0]);
      const url = pathFor(path, (name, schema) => (name === 'id' && path.includes('integrations') ? integrationId : fakeParam(name, schema)), op) + query;
      const res = await call(method.toUpperCase(), url, op, body ?? (['post', 'put', 'patch'].includes(method) ? {} : undefined));
      const what = `${method.toUpperCase()} ${url} ${JSON.stringify(body ?? '')} → ${res.status} ${res.text.slice(0, 200)}`;
      // An operation may look its resource up before reading the input: an unknown one is a 404 first.
      if (res.status === 404 && path.includes('{')) continue;
      expect(res.status, what).to.equal(400);
      expect(res.body.error.code, what).to.equal('validation_failed');
      expect(res.body.error.fields, what).to.have.property(field);
      roundTripped.add(op.tags[0]);
    }
    expect([...withInputs]).to.include.members(['Integrations', 'OAuth', 'Admin: session', 'Admin: audit', 'Admin: dead letters', 'Admin: replays', 'Admin: metrics', 'Admin: time travel']);
    expect([...roundTripped].sort()).to.deep.equal([...withInputs].sort());
  });

  it('describes real answers: happy-path bodies parse with the documented response schemas', async () => {
    expect(bodySchemaOf(operation('post', '/api/integrations'), 202).safeParse(connected.body).error).to.equal(undefined);
    const check = await pulse.api('POST', `/api/integrations/${integrationId}/health/check`, { token });
    expect(check.status).to.equal(202);
    expect(bodySchemaOf(operation('post', '/api/integrations/{id}/health/check'), 202).safeParse(check.body).error).to.equal(undefined);

    const parsed: string[] = [];
    for (const { path, method, op } of ops.filter((o) => o.method === 'get')) {
      const mounted = operation('get', path);
      const schema = (mounted.responses[200] as ResponseDoc | undefined)?.body;
      if (!schema || !op.responses['200'].content?.['application/json']) continue;
      const url = pathFor(path, (name, s) => (name === 'id' ? integrationId : name === 'provider' ? 'http' : name === 'topic' ? 'checks' : fakeParam(name, s)), op);
      const required = ((op.parameters ?? []) as Schema[]).filter((p) => p.in === 'query' && p.required);
      const query = required.length ? `?${new URLSearchParams(required.map((p) => [p.name, p.schema.format === 'date-time' ? new Date(checkedAt).toISOString() : 'x']))}` : '';
      const res = await call('GET', url + query, op);
      if (res.status !== 200) continue;
      const result = schema.safeParse(res.body);
      expect(result.error?.issues, `GET ${url}${query}: ${res.text.slice(0, 300)}`).to.equal(undefined);
      parsed.push(path);
    }
    expect(parsed).to.include.members(['/api/integrations', '/api/integrations/{id}/health', '/api/integrations/{id}/health/history', '/api/admin/session',
      '/api/admin/audit', '/api/admin/dead-letters', '/api/admin/dead-letters/{topic}', '/api/admin/replays', '/api/admin/integrations/health',
      '/api/admin/providers/{provider}/health', '/api/admin/integrations/{id}/health', '/healthz', '/readyz']);
  });

  it('serves a human docs page that works offline and under the CSP', async () => {
    const page = await fetch(`${pulse.apiUrl}/api/docs`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? /default-src ([^;]*)/.exec(csp)?.[1];
    expect(scriptSrc).to.equal("'self'");
    const html = await page.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).to.have.length(1);
    expect(scripts[0]?.[2]?.trim()).to.equal(''); // nothing inline for the CSP to block
    const src = /src="([^"]+)"/.exec(scripts[0]?.[1] ?? '')?.[1] as string;
    expect(src).to.match(/^\/api\/docs\//);
    const script = await fetch(`${pulse.apiUrl}${src}`);
    expect(script.status).to.equal(200);
    expect(script.headers.get('content-type')).to.match(/javascript/);
    const js = await script.text();
    expect(js).to.contain('/api/openapi.json');
    expect(html + js).not.to.match(/https?:\/\//); // no CDN: the machine may have no internet
  });
});
