// A property-based fuzz of the whole API, driven by the OpenAPI document: for every operation,
// fast-check generates path parameters, query strings and bodies (from the schemas, and hostile:
// wrong types, extra fields, NUL, CR/LF, lone surrogates, huge strings, malformed JSON, deep
// nesting) and sends them with the credentials the operation needs. Every answer must be:
//   - below 500, with a status the document lists for the operation (or 413, 415, 429, which
//     any request may meet);
//   - free of stack traces and internal detail (file paths, SQL, driver and library errors);
//   - for every 4xx, JSON `{error: {code, message}}` — the code names the reason (401
//     unauthenticated, 403 csrf_failed, 404 not_found, 409 already_resolved…) — and for every 400
//     also `error.fields`, naming at least one field with what is wrong with it.
// Fixed seed by default; FUZZ_SEED and FUZZ_RUNS (test/support/fuzzSettings.ts) explore further.
// Its own environment: it starts replays, re-drives dead letters and creates admins and rules.
import { expect } from 'chai';
import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { adminSession, type AdminCall } from '../support/adminSession.js';
import { startSmtp } from '../support/alertSinks.js';
import { callerFor, describeOperation, documentedOperations, type DocOperation } from '../support/documentedOperations.js';
import { fuzzSettings } from '../support/fuzzSettings.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, type ApiResponse, type RunningPulse } from '../support/pulse.js';
import { bodies, encodeSegment, queries, segments, type RawBody, type Segment } from '../support/requestArbitraries.js';

/** Statuses any request may meet whatever the operation: a body too large, not JSON in UTF-8, a rate limit. */
const anywhere = new Set([413, 415, 429]);

/** What must never reach a client: stack frames, source paths, SQL and driver errors, JS runtime errors. */
const internalDetail = /(\n|\\n)\s+at \S|\bat (async )?\S+ \([^()]*:\d+:\d+\)|node:internal|node_modules|\/work\/|\.[jt]s:\d+|SQLSTATE|syntax error at|relation "|violates .* constraint|duplicate key|invalid input syntax|invalid byte sequence|TypeError|ReferenceError|RangeError|SyntaxError|ZodError|Cannot read propert|is not a function|KafkaJS|ECONNREFUSED|Unexpected token/;

interface Request { path: Segment[]; query: [string, string][]; body: RawBody | undefined }

/** What is wrong with an answer, by the rules above. */
export function problemsOf(o: DocOperation, res: ApiResponse): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`answered ${res.status}`);
  else if (!(String(res.status) in o.op.responses) && !anywhere.has(res.status)) problems.push(`answered ${res.status}, which the document does not list`);
  if (internalDetail.test(res.text)) problems.push(`internal detail in the body (${internalDetail.exec(res.text)?.[0]})`);
  if (res.status >= 400) {
    const error = res.body?.error;
    if (!/^application\/json/.test(res.headers.get('content-type') ?? '')) problems.push('a 4xx that is not JSON');
    if (typeof error?.code !== 'string' || !error.code || typeof error.message !== 'string' || !error.message) problems.push('a 4xx without {error: {code, message}}');
    else if (res.status === 400) {
      const fields = error.fields as Record<string, unknown> | undefined;
      if (!fields || typeof fields !== 'object' || !Object.keys(fields).length) problems.push('a 400 naming no field');
      else if (Object.values(fields).some((m) => typeof m !== 'string' || !m)) problems.push('a 400 field without a message');
    }
  }
  return problems;
}

/** Each operation its own sequence: adding a route does not change what the others are sent. */
const seedOf = (o: DocOperation) => (fuzzSettings.seed + createHash('sha256').update(describeOperation(o)).digest().readUInt32BE(0)) % 2 ** 31;

const urlOf = (o: DocOperation, r: Request) => {
  let i = 0;
  const path = o.path.replace(/\{\w+\}/g, () => encodeSegment(r.path[i++] as Segment));
  const query = new URLSearchParams(r.query).toString();
  return query ? `${path}?${query}` : path;
};

const shown = (r: Request) => JSON.stringify({ path: r.path, query: r.query, body: r.body && { note: r.body.note, text: r.body.text.slice(0, 300) } });

describe('API fuzz: every documented operation, generated and hostile input', function () {
  this.timeout(600_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let target: HttpTarget;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: AdminCall;
  let ops: DocOperation[];
  let call: ReturnType<typeof callerFor>;
  let known: Record<string, string[]>;

  before(async () => {
    env = await ownEnvironment('api_fuzz');
    target = await startHttpTarget();
    smtp = await startSmtp();
    // Limits raised: the fuzz sends bursts a real client would not, and must reach every handler.
    pulse = await startPulse({
      roles: ['projectors', 'api'],
      reach: [target.url],
      overrides: { ...env.overrides, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), MANUAL_CHECK_BURST: '1000', MANUAL_CHECK_HOURLY: '10000',
        USER_REQUESTS_PER_MINUTE: '1000000', ADMIN_REQUESTS_PER_MINUTE: '1000000', MAX_INTEGRATIONS_PER_USER: '100000' },
    });
    const token = pulse.tokenFor(`fuzz-${randomUUID()}`);
    admin = await adminSession(pulse);
    call = callerFor(pulse, token, admin);
    ops = documentedOperations((await pulse.api('GET', '/api/openapi.json')).body);
    // Something real to find: the user's integration (so id routes reach their deeper checks), a webhook.
    const connected = await pulse.api('POST', '/api/integrations', { token, body: { provider: 'http', displayName: 'Fuzzed', config: { url: `${target.url}/fuzz` }, checkIntervalSeconds: 3600 } });
    expect(connected.status, connected.text).to.equal(202);
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${connected.body.id}/health`, { token })).status === 200, 'the integration projected');
    const hook = await admin('POST', '/api/admin/webhooks', { body: { name: 'fuzz hook', url: `${target.url}/hook` } });
    known = { id: [connected.body.id, randomUUID()], webhookId: hook.status === 201 ? [hook.body.id] : [], provider: ['http'], topic: ['checks', 'lifecycle'] };
  });
  after(async () => {
    await pulse?.stop();
    await target?.close();
    await smtp?.close();
    await env?.drop();
  });

  it(`answers every generated request without a 5xx, a stack trace, or a 4xx that names nothing (seed ${fuzzSettings.seed}, ${fuzzSettings.runs} runs per operation)`, async () => {
    const failures: string[] = [];
    let sent = 0;
    /** Operations some generated request got through to a success: the fuzz reaches handlers, not only validation. */
    const reached = new Set<string>();
    // Deletions after everything else (the known integration stays for the other routes), and
    // logging out, which ends the session every admin call uses, last of all.
    const isLogout = (o: DocOperation) => o.method === 'delete' && o.path === '/api/admin/session';
    const rank = (o: DocOperation) => (isLogout(o) ? 2 : o.method === 'delete' ? 1 : 0);
    for (const o of [...ops].sort((a, b) => rank(a) - rank(b))) {
      const request: fc.Arbitrary<Request> = fc.record({
        path: fc.tuple(...o.pathParams.map((p) => segments(p.schema ?? {}, known[p.name as string] ?? []))),
        query: queries(o.queryParams),
        body: o.body ? bodies(o.body) : fc.constant(undefined),
      });
      const seed = seedOf(o);
      const details = await fc.check(fc.asyncProperty(request, async (r) => {
        const res = await call(o, urlOf(o, r), r.body?.text);
        sent++;
        if (res.status < 300) reached.add(describeOperation(o));
        const problems = problemsOf(o, res);
        if (problems.length) throw new Error(`${problems.join('; ')} → ${res.status} ${res.text.slice(0, 300)}`);
      }), { seed, numRuns: isLogout(o) ? 3 : fuzzSettings.runs });
      if (details.failed) {
        const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        failures.push(`${describeOperation(o)} (seed ${seed}): ${error}\n    request: ${details.counterexample ? shown(details.counterexample[0] as Request) : '?'}`);
      }
    }
    expect(ops.length).to.be.greaterThan(30);
    expect(reached.size, `operations reached: ${[...reached].join(', ')}`).to.be.at.least(Math.floor(ops.length / 2));
    expect(sent).to.be.at.least(ops.length * Math.min(fuzzSettings.runs, 3));
    expect(failures, `${failures.length} operations failed:\n${failures.join('\n')}`).to.deep.equal([]);
  });
});
