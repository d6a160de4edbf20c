// The operations of the OpenAPI document as tests walk them: path, method, parameters, body
// schema, and what credentials each needs — so a suite driven by the document covers a new
// route the day it is added (api/openapi/).
import type { AdminCall } from './adminSession.js';
import type { ApiResponse, RunningPulse } from './pulse.js';

export type Schema = Record<string, any>;

export interface DocOperation {
  /** OpenAPI style, e.g. `/api/integrations/{id}`. */
  path: string;
  method: string;
  op: Schema;
  pathParams: Schema[];
  queryParams: Schema[];
  body: Schema | undefined;
  auth: 'user' | 'admin' | 'none';
  csrf: boolean;
}

export const describeOperation = (o: Pick<DocOperation, 'method' | 'path'>) => `${o.method.toUpperCase()} ${o.path}`;

export function documentedOperations(doc: Schema): DocOperation[] {
  return Object.entries(doc.paths as Schema).flatMap(([path, item]) => Object.entries(item as Schema).map(([method, op]) => {
    const params = (op.parameters ?? []) as Schema[];
    const needs = new Set((op.security as Schema[]).flatMap((s) => Object.keys(s)));
    return {
      path, method, op,
      pathParams: params.filter((p) => p.in === 'path'),
      queryParams: params.filter((p) => p.in === 'query'),
      body: op.requestBody?.content?.['application/json']?.schema as Schema | undefined,
      auth: needs.has('adminSession') ? 'admin' as const : needs.has('userBearer') ? 'user' as const : 'none' as const,
      csrf: needs.has('csrfToken'),
    };
  }));
}

/** `/a/{id}` with each parameter replaced by `value(name)`, percent-encoded. */
export const fillPath = (path: string, value: (name: string) => string) =>
  path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(value(name)));

/** Calls an operation with the credentials the document asks for (a user token, or the admin session with CSRF on writes). */
export function callerFor(pulse: RunningPulse, userToken: string, admin: AdminCall) {
  return (o: DocOperation, url: string, body?: unknown): Promise<ApiResponse> => {
    if (o.auth === 'admin') return admin(o.method.toUpperCase(), url, { body, csrf: o.csrf });
    return pulse.api(o.method.toUpperCase(), url, { body, token: o.auth === 'user' ? userToken : undefined });
  };
}
