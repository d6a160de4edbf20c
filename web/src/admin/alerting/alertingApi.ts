// The alerting API as the portal uses it: reads as React Query hooks, writes as functions that
// return once the read model shows the change (api/eventually.ts), so a screen never flips
// back to the old state after a save.
import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import type {
  AlertDetail, AlertPage, AlertRule, AlertRuleInput, BacktestResult, ChannelRef, CreatedWebhook, RuleKindInfo, Suppression,
  SuppressionInput, TestResult, Webhook,
} from '../../api/alertTypes';
import { untilProjected } from '../../api/eventually';
import { adminGet, adminWrite, query } from '../adminApi';

export interface AlertFilters {
  status: '' | 'open' | 'resolved';
  severity: '' | 'warning' | 'critical';
  provider: string;
  ruleKind: string;
  acknowledged: '' | 'true' | 'false';
}

export const noAlertFilters: AlertFilters = { status: '', severity: '', provider: '', ruleKind: '', acknowledged: '' };

export const keys = {
  all: ['admin', 'alerting'] as const,
  alerts: ['admin', 'alerting', 'alerts'] as const,
  openAlerts: ['admin', 'alerting', 'alerts', 'open'] as const,
  alert: (id: string) => ['admin', 'alerting', 'alert', id] as const,
  rules: ['admin', 'alerting', 'rules'] as const,
  kinds: ['admin', 'alerting', 'kinds'] as const,
  webhooks: ['admin', 'alerting', 'webhooks'] as const,
  suppressions: ['admin', 'alerting', 'suppressions'] as const,
};

const PAGE = 25;
/** Enough for the landing page's counts; more open alerts than this shows as "200+". */
export const OPEN_LIMIT = 200;

const readRules = (signal?: AbortSignal) => adminGet<{ rules: AlertRule[] }>('/api/admin/alert-rules', signal);
const readWebhooks = (signal?: AbortSignal) => adminGet<{ webhooks: Webhook[] }>('/api/admin/webhooks', signal);
const readSuppressions = (signal?: AbortSignal) => adminGet<{ suppressions: Suppression[] }>('/api/admin/suppressions', signal);
const readAlert = (id: string, signal?: AbortSignal) => adminGet<AlertDetail>(`/api/admin/alerts/${encodeURIComponent(id)}`, signal);

export function useAlertList(f: AlertFilters, before: string | null) {
  return useQuery({
    queryKey: [...keys.alerts, f, before],
    queryFn: ({ signal }) => adminGet<AlertPage>(`/api/admin/alerts${query({ ...f, before, limit: PAGE })}`, signal),
    placeholderData: keepPreviousData,
    // The newest page follows new alerts; older pages do not move.
    refetchInterval: before === null ? 10_000 : false,
  });
}

export function useOpenAlerts() {
  return useQuery({
    queryKey: keys.openAlerts,
    queryFn: ({ signal }) => adminGet<AlertPage>(`/api/admin/alerts${query({ status: 'open', limit: OPEN_LIMIT })}`, signal),
    refetchInterval: 10_000,
  });
}

export function useAlert(id: string) {
  return useQuery({
    queryKey: keys.alert(id),
    queryFn: ({ signal }) => readAlert(id, signal),
    // An open alert still changes (escalation, deliveries, resolution); a resolved one is history.
    refetchInterval: (q) => (q.state.data?.status === 'resolved' ? false : 10_000),
  });
}

/** The kinds are fixed while the server runs: asked once per page load. */
export const useRuleKinds = () => useQuery({
  queryKey: keys.kinds,
  queryFn: ({ signal }) => adminGet<{ kinds: RuleKindInfo[] }>('/api/admin/alert-rule-kinds', signal).then((r) => r.kinds),
  staleTime: Infinity,
});
export const useRules = () => useQuery({ queryKey: keys.rules, queryFn: ({ signal }) => readRules(signal), staleTime: 10_000 });
export const useWebhooks = () => useQuery({ queryKey: keys.webhooks, queryFn: ({ signal }) => readWebhooks(signal), staleTime: 10_000 });
export const useSuppressions = () => useQuery({
  queryKey: keys.suppressions,
  queryFn: ({ signal }) => readSuppressions(signal),
  // A planned window becomes active, an active one ends: the list moves with time.
  refetchInterval: 30_000,
});

// ---- alerts ----

export async function acknowledgeAlert(qc: QueryClient, id: string, note: string): Promise<boolean> {
  await adminWrite('POST', `/api/admin/alerts/${encodeURIComponent(id)}/ack`, note.trim() ? { note: note.trim() } : {});
  const { answer, seen } = await untilProjected(() => readAlert(id), (a) => a.acknowledgedAt !== null);
  qc.setQueryData(keys.alert(id), answer);
  void qc.invalidateQueries({ queryKey: keys.alerts });
  return seen;
}

// ---- rules ----

/** A stored rule as the write API takes it. */
export function ruleInput(rule: AlertRule): AlertRuleInput {
  const { id: _id, updatedAt: _u, updatedBy: _b, ...input } = rule;
  return input;
}

/** Creates (id null) or replaces a rule; resolves with its id once the list shows the new version. */
export async function saveRule(qc: QueryClient, id: string | null, input: AlertRuleInput): Promise<string> {
  const before = id ? qc.getQueryData<{ rules: AlertRule[] }>(keys.rules)?.rules.find((r) => r.id === id)?.updatedAt : undefined;
  const saved = id
    ? await adminWrite<{ id: string }>('PUT', `/api/admin/alert-rules/${encodeURIComponent(id)}`, input)
    : await adminWrite<{ id: string }>('POST', '/api/admin/alert-rules', input);
  const { answer } = await untilProjected(readRules, (r) => r.rules.some((x) => x.id === saved.id && x.updatedAt !== before));
  qc.setQueryData(keys.rules, answer);
  return saved.id;
}

export async function deleteRule(qc: QueryClient, id: string): Promise<void> {
  await adminWrite('DELETE', `/api/admin/alert-rules/${encodeURIComponent(id)}`);
  const { answer } = await untilProjected(readRules, (r) => !r.rules.some((x) => x.id === id));
  qc.setQueryData(keys.rules, answer);
}

export const runBacktest = (rule: AlertRuleInput, days: number) =>
  adminWrite<BacktestResult>('POST', '/api/admin/alert-rules/backtest', { rule, days });

// ---- webhooks ----

/** The answer holds the signing secret: keep it in component state only, never in a cache. */
export async function createWebhook(qc: QueryClient, name: string, url: string): Promise<CreatedWebhook> {
  const created = await adminWrite<CreatedWebhook>('POST', '/api/admin/webhooks', { name, url });
  const { answer } = await untilProjected(readWebhooks, (w) => w.webhooks.some((x) => x.id === created.id));
  qc.setQueryData(keys.webhooks, answer);
  return created;
}

export async function updateWebhook(qc: QueryClient, hook: Webhook, patch: { name?: string; url?: string; enabled?: boolean }): Promise<void> {
  await adminWrite('PATCH', `/api/admin/webhooks/${encodeURIComponent(hook.id)}`, patch);
  const { answer } = await untilProjected(readWebhooks, (w) => w.webhooks.some((x) => x.id === hook.id && x.updatedAt !== hook.updatedAt));
  qc.setQueryData(keys.webhooks, answer);
}

export async function deleteWebhook(qc: QueryClient, id: string): Promise<void> {
  await adminWrite('DELETE', `/api/admin/webhooks/${encodeURIComponent(id)}`);
  const { answer } = await untilProjected(readWebhooks, (w) => !w.webhooks.some((x) => x.id === id));
  qc.setQueryData(keys.webhooks, answer);
}

export const sendTestNotification = (channel: ChannelRef) =>
  adminWrite<TestResult>('POST', '/api/admin/notifications/test', { channel });

// ---- suppressions ----

export async function createSuppression(qc: QueryClient, input: SuppressionInput): Promise<string> {
  const { id } = await adminWrite<{ id: string }>('POST', '/api/admin/suppressions', input);
  const { answer } = await untilProjected(readSuppressions, (s) => s.suppressions.some((x) => x.id === id));
  qc.setQueryData(keys.suppressions, answer);
  return id;
}

export async function endSuppression(qc: QueryClient, id: string): Promise<void> {
  await adminWrite('DELETE', `/api/admin/suppressions/${encodeURIComponent(id)}`);
  const { answer } = await untilProjected(readSuppressions, (s) => !s.suppressions.some((x) => x.id === id));
  qc.setQueryData(keys.suppressions, answer);
}
