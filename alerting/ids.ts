// Ids derived from what happened, never from a clock or a random source: a restored evaluator,
// a replay and a backtest name the same alert the same way, and receivers can dedupe on them.
import { createHash } from 'node:crypto';
import type { AlertScope } from './types.js';

export function scopeKeyOf(scope: AlertScope): string {
  return scope.type === 'integration' ? `integration:${scope.integrationId}` : `provider:${scope.provider}`;
}

/** The state entry of one (rule, scope): `<ruleId>|<scopeKey>` (stored under `alert:`). */
export const alertKey = (ruleId: string, scope: AlertScope) => `${ruleId}|${scopeKeyOf(scope)}`;

/** sha256(ruleId|scopeKey|openedAt) laid out as an RFC 9562 version-8 UUID, so uuid validators accept it. */
export function alertIdOf(ruleId: string, scopeKey: string, openedAt: number): string {
  const h = createHash('sha256').update(`${ruleId}|${scopeKey}|${openedAt}`).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const transitionIdOf = (alertId: string, what: 'raised' | 'escalated' | 'resolved') => `${alertId}:${what}`;
