// zod → JSON Schema (2020-12, OpenAPI 3.1's dialect). Requests are described by what the
// client SENDS (`io: 'input'`): a `csvList` is a string, an `isoTime` a date-time string,
// a coerced number a number, a defaulted field optional. Responses by what the server sends.
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

const tidy = (schema: JsonSchema, io: 'input' | 'output') => {
  // `format` says it better than zod's long regexes; ±2^53 bounds are "any whole number".
  if (typeof schema.format === 'string' && typeof schema.pattern === 'string') delete schema.pattern;
  if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
  if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
  // Answers may gain fields later; only requests are closed (the strict ones).
  if (io === 'output' && schema.additionalProperties === false) delete schema.additionalProperties;
};

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    // Transforms have no JSON form on the output side; their input side is what matters.
    unrepresentable: 'any',
    override: (ctx) => tidy(ctx.jsonSchema as JsonSchema, io),
  }) as JsonSchema;
  delete out.$schema; // the document states the dialect once
  return out;
}

/** An object schema's properties, each with whether it is required (query parameters are listed one by one). */
export function propertiesOf(schema: JsonSchema): { name: string; schema: JsonSchema; required: boolean }[] {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({ name, schema: s, required: required.has(name) }));
}
