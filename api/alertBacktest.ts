// Backtest: a rule replayed over the stored history (integration_health_history, kept
// HISTORY_RETENTION_DAYS) by the evaluator's own pure core — what it would have fired.
import { backtest } from '../alerting/index.js';
import type { AlertRule, EvaluatorInput, EvaluatorSettings } from '../alerting/types.js';
import type { Db } from '../platform/db.js';
import { checkFromHistoryRow } from './readModel.js';

/** More checks than this in the range and the backtest answers with the most recent ones only. */
export const BACKTEST_MAX_CHECKS = 500_000;

export async function backtestRule(db: Db, rule: AlertRule, range: { from: number; to: number }, settings: EvaluatorSettings) {
  // Integrations first, so intervals (stalled checks) and owners are known from the start.
  const { rows: integrations } = await db.query(
    `SELECT integration_id, user_id, provider, display_name, check_interval_seconds, extract(epoch FROM connected_at) * 1000 AS connected_ms
       FROM integrations WHERE ($1::text IS NULL OR provider = $1)`,
    [rule.provider],
  );
  const { rows } = await db.query(
    `SELECT * FROM (
       SELECT * FROM integration_health_history
        WHERE completed_at >= to_timestamp($1 / 1000.0) AND completed_at < to_timestamp($2 / 1000.0) AND ($3::text IS NULL OR provider = $3)
        ORDER BY completed_at DESC LIMIT $4) recent
      ORDER BY completed_at, event_id`,
    [range.from, range.to, rule.provider, BACKTEST_MAX_CHECKS],
  );
  const inputs: EvaluatorInput[] = integrations.map((i) => ({
    kind: 'lifecycle',
    event: {
      type: 'IntegrationConnected', eventId: `backtest-${i.integration_id}`, integrationId: i.integration_id, userId: i.user_id,
      occurredAt: Math.min(Number(i.connected_ms), range.from), provider: i.provider, displayName: i.display_name,
      checkIntervalSeconds: i.check_interval_seconds, config: {},
    },
  }));
  for (const r of rows) inputs.push({ kind: 'check', check: checkFromHistoryRow(r) });
  const result = backtest(rule, inputs, { from: range.from, to: range.to, tickSeconds: 60, settings });
  return { ...result, checksReplayed: rows.length, truncated: rows.length === BACKTEST_MAX_CHECKS };
}
