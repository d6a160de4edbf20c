// fast-check arbitraries for API requests, from the OpenAPI document's JSON Schemas (2020-12,
// as zod writes them): values the schema describes, and what a hostile or careless client
// sends instead — wrong types, extra fields, NUL, CR/LF, lone surrogates, huge strings,
// malformed JSON, deep nesting.
import fc from 'fast-check';
import type { Schema } from './documentedOperations.js';

/** Strings that have broken servers somewhere. */
const nasty = [
  '\u0000', 'a\u0000b', 'x\r\ny', '\n', '\r', '\t', '\ud800', 'a\udfffb', '\u202egnp.exe', '\ufeff', '\u200b', '\u{1F4A9}', 'Ǆ', 'ß', 'İ',
  '%00', '%', '%zz', '%E0%A4%A', "'; DROP TABLE integrations;--", "' OR '1'='1", '../../../etc/passwd', '/', '\\', '${jndi:ldap://x/a}', '<script>alert(1)</script>',
  '{{7*7}}', '__proto__', 'constructor', 'prototype', ' ', '  padded  ', '0', '-1', '1e309', '9007199254740993', 'NaN', 'Infinity', 'null', 'true', '[]', '{}',
  '2026-02-30T25:61:00Z', '0000-00-00T00:00:00Z', 'http://169.254.169.254/latest/meta-data/', 'file:///etc/passwd', 'javascript:alert(1)', 'a@b', '@', 'default-',
];

/** Short hostile strings: fit in a URL (Node refuses request heads over 16 KB before any app code runs). */
export const hostileShort: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...nasty) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 200, maxLength: 3000 }) },
);

/** Hostile strings for bodies, including ones past the 64 KB body limit. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: hostileShort },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'x'.repeat(n)) },
);

/** Keys a client might add: plain words, so an error naming them says nothing alarming by accident. */
export const extraKey = fc.constantFrom('extra', 'id', 'userId', 'admin', 'isAdmin', '__proto__', 'constructor', 'type', 'x-y', 'a.b', 'verylongkey'.repeat(30));

/** Any JSON value a hostile client might put anywhere. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, 1.5)) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, [], {}) },
  { weight: 1, arbitrary: fc.array(hostileShort, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(extraKey, hostileShort, { maxKeys: 3 }) },
);

const MAX_DEPTH = 6;

/** Values the schema describes (strings drawn from `strings` where no format narrows them). */
export function fromSchema(schema: Schema, strings: fc.Arbitrary<string> = fc.string({ maxLength: 40 }), depth = 0): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH || typeof schema !== 'object' || schema === null) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length) return fc.oneof(...alternatives.map((s) => fromSchema({ ...schema, anyOf: undefined, oneOf: undefined, ...s }, strings, depth + 1)));
  if (Array.isArray(schema.allOf) && schema.allOf.length) return fromSchema({ ...schema, allOf: undefined, ...schema.allOf[0] }, strings, depth + 1);
  if (Array.isArray(schema.type)) return fc.oneof(...(schema.type as string[]).map((type) => fromSchema({ ...schema, type }, strings, depth)));
  switch (schema.type) {
    case 'string': return stringFor(schema, strings);
    case 'integer': {
      const min = schema.minimum ?? (typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : -1_000_000);
      return fc.integer({ min, max: schema.maximum ?? (typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : min + 2_000_000) });
    }
    case 'number': {
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -1e6;
      return fc.double({ min, max: schema.maximum ?? schema.exclusiveMaximum ?? min + 2e6, noNaN: true, noDefaultInfinity: true });
    }
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      return fc.array(fromSchema(schema.items ?? {}, strings, depth + 1), { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)) });
    }
    case 'object': return objectFor(schema, strings, depth);
    default:
      return schema.properties ? objectFor(schema, strings, depth) : fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(schema: Schema, strings: fc.Arbitrary<string>): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid': return fc.uuid();
    case 'date-time': return fc.date({ min: new Date(Date.now() - 40 * 86_400_000), max: new Date(Date.now() + 86_400_000), noInvalidDate: true }).map((d) => d.toISOString());
    case 'email': return fc.emailAddress();
    case 'uri': case 'url': return fc.webUrl();
    default: {
      const minLength = schema.minLength ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 40));
      return strings.filter((s) => s.length >= minLength && s.length <= maxLength);
    }
  }
}

function objectFor(schema: Schema, strings: fc.Arbitrary<string>, depth: number): fc.Arbitrary<unknown> {
  const props = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  if (!props.length) {
    const values = typeof schema.additionalProperties === 'object' ? fromSchema(schema.additionalProperties, strings, depth + 1) : fc.jsonValue({ maxDepth: 1 });
    return fc.dictionary(fc.constantFrom('a', 'url', 'name', 'x-trace', 'b'), values, { maxKeys: 3 });
  }
  const model = Object.fromEntries(props.map(([name, s]) => [name, fromSchema(s, strings, depth + 1)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []) as string[] });
}

/** A body as sent: JSON text (valid or not). */
export type RawBody = { text: string; note: string };

const json = (note: string) => (value: unknown): RawBody => ({ text: JSON.stringify(value) ?? 'null', note });

/** Deeply nested JSON (arrays or objects), up to thousands of levels. */
const nested: fc.Arbitrary<RawBody> = fc.tuple(fc.integer({ min: 10, max: 5_000 }), fc.boolean()).map(([n, arrays]) => ({
  text: arrays ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`,
  note: `nested ${n} deep`,
}));

const malformed: fc.Arbitrary<RawBody> = fc.constantFrom('{', '{"a":', 'nul', '\u0000', '{"a":1,}', "{'a':1}", '[1,2', '"\\ud800"', '{"a":"\\u0000"}', '', ' ', '1', '"text"', 'true')
  .map((text) => ({ text, note: 'malformed or bare JSON' }));

/** Bodies for an operation: mostly what its schema describes, the rest hostile in every way the fuzz knows. */
export function bodies(schema: Schema): fc.Arbitrary<RawBody> {
  const mixedStrings = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: hostileShort });
  const valid = fromSchema(schema, mixedStrings);
  const names = Object.keys((schema.properties ?? {}) as Record<string, Schema>);
  const asObject = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {});
  const oneFieldWrong = names.length
    ? fc.tuple(valid, fc.constantFrom(...names), hostileValue).map(([v, k, x]) => ({ ...asObject(v), [k]: x })).map(json('one field hostile'))
    : hostileValue.map(json('hostile value'));
  return fc.oneof(
    { weight: 4, arbitrary: valid.map(json('from the schema')) },
    { weight: 3, arbitrary: oneFieldWrong },
    { weight: 1, arbitrary: fc.tuple(valid, extraKey, hostileValue).map(([v, k, x]) => ({ ...asObject(v), [k]: x })).map(json('an extra field')) },
    { weight: 1, arbitrary: hostileValue.map(json('not the schema at all')) },
    { weight: 1, arbitrary: nested },
    { weight: 1, arbitrary: malformed },
  );
}

/** A query string's parameters (repeated keys allowed): documented ones from their schemas or hostile, plus undocumented ones. */
export function queries(params: Schema[]): fc.Arbitrary<[string, string][]> {
  const one = (p: Schema) => fc.oneof(
    { weight: 3, arbitrary: fromSchema(p.schema ?? {}).map((v) => [String(v)]) },
    { weight: 2, arbitrary: hostileShort.map((v) => [v]) },
    { weight: 1, arbitrary: fc.array(hostileShort, { minLength: 2, maxLength: 3 }) },
  );
  const required = params.filter((p) => p.required).map((p) => p.name as string);
  // Half the time only documented parameters with values from their schemas (or just the required ones), so the handler itself is reached.
  const valid = fc.record(Object.fromEntries(params.map((p) => [p.name as string, fromSchema(p.schema ?? {}).map((v) => [String(v)])])), { requiredKeys: required });
  const onlyRequired = fc.record(Object.fromEntries(params.filter((p) => p.required).map((p) => [p.name as string, fromSchema(p.schema ?? {}).map((v) => [String(v)])])));
  const documented = fc.oneof(onlyRequired, valid, fc.record(Object.fromEntries(params.map((p) => [p.name as string, one(p)])), { requiredKeys: [] }), fc.record(Object.fromEntries(params.map((p) => [p.name as string, one(p)])), { requiredKeys: [] }));
  const extras = fc.oneof(fc.constant([] as [string, string][]), fc.array(fc.tuple(extraKey, hostileShort), { minLength: 1, maxLength: 2 }));
  return fc.tuple(documented, extras).map(([doc, more]) => [
    ...Object.entries(doc as Record<string, string[]>).flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string])),
    ...more,
  ]);
}

/** A path segment as sent: a value to percent-encode, or raw text (malformed encodings). */
export type Segment = { value: string } | { raw: string };

/** Values for a path parameter: known good ones (an id that exists), schema values, hostile strings, broken percent-encoding. */
export function segments(schema: Schema, known: string[]): fc.Arbitrary<Segment> {
  // "." and ".." are resolved away by URL parsing, and "" leaves the segment out: none reaches the route.
  const reaches = (s: string) => s !== '' && s !== '.' && s !== '..';
  return fc.oneof(
    ...(known.length ? [{ weight: 3, arbitrary: fc.constantFrom(...known).map((value) => ({ value })) }] : []),
    { weight: 2, arbitrary: fromSchema(schema).map((v) => String(v)).filter(reaches).map((value) => ({ value })) },
    { weight: 2, arbitrary: hostileShort.filter(reaches).map((value) => ({ value })) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%0d%0a', '%ED%A0%80', 'a%2Fb').map((raw) => ({ raw })) },
  );
}

/** encodeURIComponent, which throws on a lone surrogate; URL parsing would turn one into U+FFFD anyway. */
export const encodeSegment = (s: Segment) => ('raw' in s ? s.raw : encodeURIComponent(s.value.replace(/\p{Cs}/gu, '\ufffd')));
