// Input rules on every documented route (api/inputGuard.ts): a NUL in any path parameter,
// query parameter or body field — of any type the schema expects — answers 400 naming that
// field; line breaks are refused where a value becomes a URL, an e-mail address or a header,
// and accepted in free text. The routes come from the OpenAPI document: a new one is covered
// the day it is added.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { adminSession, type AdminCall } from '../support/adminSession.js';
import { callerFor, describeOperation, documentedOperations, fillPath, type DocOperation, type Schema } from '../support/documentedOperations.js';
import { startPulse, type ApiResponse, type RunningPulse } from '../support/pulse.js';

const NUL = '\u0000';
const bad = `a${NUL}b`;

/** A request that breaks a rule in one place, and the field the answer must name. */
interface Probe { what: string; url: string; body?: unknown; field: string }

/** A path that reaches the operation: a UUID where the document asks for one, else its first enum value, else a word. */
const fine = (o: DocOperation) => (name: string) => {
  const schema = o.pathParams.find((p) => p.name === name)?.schema as Schema | undefined;
  return schema?.format === 'uuid' ? randomUUID() : Array.isArray(schema?.enum) ? String(schema.enum[0]) : 'x';
};

const isObjectSchema = (s: Schema) => s.type === 'object' || s.properties !== undefined || s.additionalProperties !== undefined;

function probesOf(o: DocOperation): Probe[] {
  const probes: Probe[] = [];
  const base = fillPath(o.path, fine(o));
  const writes = o.body !== undefined;
  for (const p of o.pathParams) {
    probes.push({ what: `path ${p.name}`, url: fillPath(o.path, (name) => (name === p.name ? bad : fine(o)(name))), body: writes ? {} : undefined, field: p.name });
  }
  for (const p of o.queryParams) probes.push({ what: `query ${p.name}`, url: `${base}?${new URLSearchParams({ [p.name]: bad })}`, body: writes ? {} : undefined, field: p.name });
  // Any route takes a query string, documented or not.
  probes.push({ what: 'an undocumented query parameter', url: `${base}?extra=${encodeURIComponent(bad)}`, body: writes ? {} : undefined, field: 'extra' });
  if (o.body) {
    for (const [name, schema] of Object.entries((o.body.properties ?? {}) as Record<string, Schema>)) {
      probes.push({ what: `body ${name} (a string where ${schema.type ?? 'any'} is expected)`, url: base, body: { [name]: bad }, field: name });
      if (isObjectSchema(schema)) probes.push({ what: `body ${name}.inner`, url: base, body: { [name]: { inner: bad } }, field: `${name}.inner` });
      if (schema.type === 'array') probes.push({ what: `body ${name}.0`, url: base, body: { [name]: [bad] }, field: `${name}.0` });
    }
    probes.push({ what: 'a body key', url: base, body: { [`k${NUL}`]: 1 }, field: 'k\\u0000' });
  }
  return probes;
}

describe('input rules on every route (NUL, CR/LF)', function () {
  this.timeout(120_000);
  let pulse: RunningPulse;
  let admin: AdminCall;
  let token: string;
  let ops: DocOperation[];
  let call: ReturnType<typeof callerFor>;

  const expectNamed = (res: ApiResponse, field: string, what: string) => {
    expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 300)}`).to.equal(400);
    expect(res.body.error.code, what).to.equal('validation_failed');
    expect(res.body.error.fields, `${what}: ${res.text.slice(0, 300)}`).to.have.property(field);
    expect(res.text, what).not.to.contain('\\u0000b'); // the value itself is never echoed
  };

  before(async () => {
    pulse = await startPulse({ roles: ['api'] });
    token = pulse.tokenFor(`input-rules-${randomUUID()}`);
    admin = await adminSession(pulse);
    call = callerFor(pulse, token, admin);
    ops = documentedOperations((await pulse.api('GET', '/api/openapi.json')).body);
  });
  after(async () => { await pulse?.stop(); });

  it('refuses a NUL in every path parameter, query parameter and body field of every documented operation with a 400 naming it', async () => {
    let probed = 0;
    // Logging out would end the session the other calls use: last (a refused request does not log out).
    const ordered = [...ops].sort((a, b) => Number(a.path === '/api/admin/session' && a.method === 'delete') - Number(b.path === '/api/admin/session' && b.method === 'delete'));
    for (const o of ordered) {
      for (const probe of probesOf(o)) {
        const res = await call(o, probe.url, probe.body);
        expectNamed(res, probe.field, `${describeOperation(o)} with NUL in ${probe.what}`);
        probed++;
      }
    }
    expect(ops.length).to.be.greaterThan(30);
    expect(probed).to.be.greaterThan(ops.length * 2);
    // The issue's own example, on the caller's side of the API.
    expectNamed(await pulse.api('PATCH', `/api/integrations/${randomUUID()}`, { token, body: { displayName: bad } }), 'displayName', 'PATCH displayName');
    expectNamed(await pulse.api('POST', '/api/admin/session', { body: { email: `root${NUL}@example.test`, password: 'x' } }), 'email', 'admin login email');
    expect((await admin('GET', '/api/admin/session')).status, 'still logged in').to.equal(200);
  });

  it('refuses line breaks in URLs, e-mail addresses and header names and values, naming the field', async () => {
    const crlf = 'x\r\nX-Injected: 1';
    const connect = (config: Record<string, unknown>) => ({ provider: 'http', displayName: 'Header test', config });
    const cases: [string, () => Promise<ApiResponse>, string][] = [
      ['connect: config.url', () => pulse.api('POST', '/api/integrations', { token, body: connect({ url: `https://example.com/${crlf}` }) }), 'config.url'],
      ['connect: header value', () => pulse.api('POST', '/api/integrations', { token, body: connect({ url: 'https://example.com/', headers: { 'X-Trace': crlf } }) }), 'config.headers.X-Trace'],
      ['connect: header name', () => pulse.api('POST', '/api/integrations', { token, body: connect({ url: 'https://example.com/', headers: { 'X-A\r\nHost': 'v' } }) }), 'config.headers.X-A\\u000d\\u000aHost'],
      ['mcp: header value', () => pulse.api('POST', '/api/integrations', { token, body: { provider: 'mcp', displayName: 'MCP', config: { url: 'https://example.com/mcp', headers: { 'X-Trace': '\n' } } } }), 'config.headers.X-Trace'],
      ['patch: header value', () => pulse.api('PATCH', `/api/integrations/${randomUUID()}`, { token, body: { config: { url: 'https://example.com/', headers: { 'X-Trace': crlf } } } }), 'config.headers.X-Trace'],
      ['webhook url', () => admin('POST', '/api/admin/webhooks', { body: { name: 'hook', url: `https://example.com/${crlf}` } }), 'url'],
      ['webhook url (patch)', () => admin('PATCH', `/api/admin/webhooks/${randomUUID()}`, { body: { url: `https://example.com/\n` } }), 'url'],
      ['test mail recipient', () => admin('POST', '/api/admin/notifications/test', { body: { channel: { type: 'email', to: [`ops@example.test${crlf}`] } } }), 'channel.to.0'],
      ['alert rule mail recipient', () => admin('POST', '/api/admin/alert-rules', { body: { name: 'r', kind: 'integration_red', channels: [{ type: 'email', to: [`ops@example.test\r`] }] } }), 'channels.0.to.0'],
      ['admin login email', () => pulse.api('POST', '/api/admin/session', { body: { email: `root@example.test${crlf}`, password: 'x' } }), 'email'],
    ];
    for (const [what, send, field] of cases) {
      const res = await send();
      expectNamed(res, field, what);
      expect(res.body.error.fields[field], what).to.match(/line break/);
    }
  });

  it("answers Express's own refusals in the same shape, as the client's fault (never 503 'postgres is unavailable')", async () => {
    const path = await pulse.api('GET', '/api/integrations/%E0%A4%A/health', { token });
    expect(path.status, path.text).to.equal(400);
    expect(path.body.error).to.deep.include({ code: 'validation_failed', fields: { path: 'is not valid percent-encoding' } });
    for (const text of ['{"displayName":', '"a bare string"', '[1,']) {
      const body = await pulse.api('POST', '/api/integrations', { token, body: text });
      expect(body.status, `${text} → ${body.text}`).to.equal(400);
      expect(body.body.error.fields, text).to.have.property('body');
    }
    const latin1 = await pulse.api('POST', '/api/integrations', { token, body: '{}', headers: { 'content-type': 'application/json; charset=latin1' } });
    expect(latin1.status, latin1.text).to.equal(415);
    expect(latin1.body.error.code).to.equal('unsupported_media_type');
    const huge = await pulse.api('POST', '/api/integrations', { token, body: { displayName: 'x'.repeat(70_000) } });
    expect(huge.status).to.equal(413);
    expect(huge.body.error.code).to.equal('payload_too_large');
  });

  it('takes line breaks in free text (a note, a name): refused there only by the route\'s own rules', async () => {
    const ack = await admin('POST', `/api/admin/alerts/${randomUUID()}/ack`, { body: { note: 'first line\r\nsecond line' } });
    expect(ack.status, ack.text).to.equal(404); // no such alert: the note itself was fine
    const renamed = await pulse.api('PATCH', `/api/integrations/${randomUUID()}`, { token, body: { displayName: 'two\nlines' } });
    expect(renamed.status, renamed.text).to.equal(404);
  });
});
