// Input rules every route shares, checked before any handler sees the request (docs/security.md,
// "Input rules"). Postgres text and jsonb cannot hold U+0000, so a NUL accepted here would become
// an event no projection can store; a line break in a header name or value, a URL or an e-mail
// address would split what Pulse later sends. Refused with a 400 naming the field, in the same
// shape as every other validation error.
import type { RequestHandler } from 'express';
import { HttpError, nameField } from './errors.js';

/** Deeper than any real request; bounds the walk (and everything after it) on hostile nesting. */
export const maxDepth = 20;
/** How many bad fields one answer lists. */
const maxReported = 10;

/** Field names whose values become a URL or a header (HTTP or mail); `headers` covers names and values under it. */
const lineBoundNames = new Set(['url', 'email', 'to', 'from', 'replyTo', 'cc', 'bcc']);

export type Where = 'body' | 'query' | 'path';

/** Whether a value at this path must stay on one line: a URL, an e-mail address, or anything under `headers`. */
export function isLineBound(path: readonly (string | number)[]): boolean {
  if (path.slice(0, -1).includes('headers')) return true;
  const named = path.filter((seg): seg is string => typeof seg === 'string');
  const last = named[named.length - 1];
  return last !== undefined && (lineBoundNames.has(last) || /Url$/.test(last));
}

/** A key as it may appear in an answer: control characters and lone surrogates escaped, never more than 64 characters. */
export function printableKey(key: string): string {
  const escaped = key.replace(/[\u0000-\u001f\u007f]|\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > 64 ? `${escaped.slice(0, 61)}...` : escaped;
}

/** Dotted like zod's issue paths (`config.headers.X-Trace`, `channels.0.to.1`). */
export const fieldName = (path: readonly (string | number)[]) => path.map((seg) => (typeof seg === 'number' ? String(seg) : printableKey(seg))).join('.');

/** What is wrong with one string at `path`, or null. */
export function stringProblem(value: string, path: readonly (string | number)[], isKey = false): string | null {
  const what = isKey ? 'the name ' : '';
  if (value.includes('\u0000')) return `${what}must not contain NUL (U+0000)`;
  if (/\p{Cs}/u.test(value)) return `${what}must be valid Unicode (no lone surrogate)`;
  if (/[\r\n]/.test(value) && isLineBound(path)) return `${what}must not contain a line break (CR or LF)`;
  return null;
}

/**
 * Every field of `input` (object keys included) that breaks an input rule, depth-first in key
 * order, at most 10. Pure; `input` is what JSON, a query string or a path can carry.
 */
export function unsafeFields(input: unknown): { field: string; message: string }[] {
  const found: { field: string; message: string }[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (found.length >= maxReported) return;
    if (typeof value === 'string') {
      const problem = stringProblem(value, path);
      if (problem) found.push({ field: fieldName(path), message: problem });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (path.length >= maxDepth) {
      found.push({ field: fieldName(path), message: `is nested too deeply (at most ${maxDepth} levels)` });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...path, i]));
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = stringProblem(key, [...path, key], true);
      if (keyProblem) found.push({ field: fieldName([...path, key]), message: keyProblem });
      visit(item, [...path, key]);
    }
  };
  visit(input, []);
  return found.slice(0, maxReported);
}

/** The 400 for the first part of a request (path, then query, then body) that breaks a rule, or null. */
export function inputRuleViolation(parts: Partial<Record<Where, unknown>>): HttpError | null {
  for (const where of ['path', 'query', 'body'] as const) {
    const bad = unsafeFields(parts[where]);
    if (!bad.length) continue;
    const fields: Record<string, string> = {};
    for (const { field, message } of bad) nameField(fields, field || where, message);
    return new HttpError(400, 'validation_failed', `invalid ${where}: ${Object.keys(fields).join(', ')}`, fields);
  }
  return null;
}

/** Route-level middleware (added to every documented route by openapi/registry.ts, after authentication). */
export const guardInput: RequestHandler = (req, _res, next) => {
  next(inputRuleViolation({ path: req.params, query: req.query, body: req.body }) ?? undefined);
};
