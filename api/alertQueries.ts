// Reads of the `alerts` projection shared by the admin and user routes.
import type { Db } from '../platform/db.js';

export interface AlertFilter {
  status?: 'open' | 'resolved';
  ruleId?: string;
  provider?: string;
  ruleKind?: string;
  severity?: 'warning' | 'critical';
  integrationId?: string;
  userId?: string;
  acknowledged?: boolean;
  limit: number;
  /** Keyset cursor: alerts opened before this (ms, alertId). */
  before?: { openedAt: number; alertId: string };
}

export function alertView(r: Record<string, any>) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    alertId: r.alert_id as string, ruleId: r.rule_id as string, ruleName: r.rule_name as string, ruleKind: r.rule_kind as string,
    severity: r.severity as string, scope: { type: r.scope_type as string, provider: r.provider as string, integrationId: r.integration_id as string | null },
    status: r.status as string, summary: r.summary as string, facts: r.facts as Record<string, string>, flapping: r.flapping as boolean,
    openedAt: r.opened_at.toISOString() as string, escalatedAt: iso(r.escalated_at), acknowledgedAt: iso(r.acknowledged_at), acknowledgedBy: r.acknowledged_by as string | null,
    resolvedAt: iso(r.resolved_at), resolution: r.resolution as string | null,
    notifications: Object.values((r.notifications ?? {}) as Record<string, unknown>),
  };
}

export async function listAlerts(db: Db, f: AlertFilter) {
  const { rows } = await db.query(
    `SELECT * FROM health_check_alerts
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR provider = $2) AND ($3::text IS NULL OR rule_kind = $3)
        AND ($4::text IS NULL OR severity = $4) AND ($5::text IS NULL OR integration_id = $5) AND ($6::text IS NULL OR user_id = $6)
        AND ($7::boolean IS NULL OR (acknowledged_at IS NOT NULL) = $7)
        AND ($8::bigint IS NULL OR (opened_at, alert_id) < (to_timestamp($8 / 1000.0), $9::text))
        AND ($11::text IS NULL OR rule_id = $11)
      ORDER BY opened_at DESC, alert_id DESC LIMIT $10`,
    [f.status ?? null, f.provider ?? null, f.ruleKind ?? null, f.severity ?? null, f.integrationId ?? null, f.userId ?? null,
      f.acknowledged ?? null, f.before?.openedAt ?? null, f.before?.alertId ?? null, f.limit, f.ruleId ?? null],
  );
  const last = rows[rows.length - 1];
  return {
    alerts: rows.map(alertView),
    nextBefore: rows.length === f.limit && last ? Buffer.from(`${last.opened_at.getTime()}.${last.alert_id}`).toString('base64url') : null,
  };
}

export function parseAlertCursor(s: string): { openedAt: number; alertId: string } | null {
  const m = /^(\d{1,15})\.([A-Za-z0-9-]{1,64})$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  return m ? { openedAt: Number(m[1]), alertId: m[2] as string } : null;
}

/** Open provider incidents, for the users' dashboards ("Google is having problems"). */
export async function openProviderIncidents(db: Db): Promise<{ provider: string; summary: string; openedAt: string }[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (provider) provider, summary, opened_at FROM health_check_alerts
      WHERE status = 'open' AND rule_kind = 'provider_incident' ORDER BY provider, opened_at`,
  );
  return rows.map((r) => ({ provider: r.provider, summary: r.summary, openedAt: r.opened_at.toISOString() }));
}
