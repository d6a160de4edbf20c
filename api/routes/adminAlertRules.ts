// /api/admin/alert-rules and /api/admin/suppressions: what the alert evaluator applies.
// Writes become AlertRuleSaved/Deleted and SuppressionSaved/Deleted on config.events; reads
// come from the `alert_config` projection. Every change is audited.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { alertRuleInputSchema, alertRuleSchema, suppressionInputSchema } from '../../alerting/index.js';
import { ruleSavedEvent } from '../../alerting/eventMapping.js';
import { ruleKinds } from '../../alerting/kinds/index.js';
import type { AlertRule, EvaluatorSettings } from '../../alerting/types.js';
import type { Db } from '../../platform/db.js';
import type { EventCodec } from '../../platform/events.js';
import type { ConfigEvent } from '../../health/events.js';
import type { EventProducer } from '../../platform/kafka.js';
import type { Topics } from '../../platform/topics.js';
import { backtestRule } from '../alertBacktest.js';
import { audit } from '../audit.js';
import { HttpError, notFound, validate } from '../errors.js';
import { jsonSchemaOf } from '../openapi/jsonSchema.js';
import { documented } from '../openapi/registry.js';

export interface AlertConfigDeps {
  db: Db;
  codec: EventCodec;
  producer: EventProducer;
  topics: Topics;
  evaluatorSettings: EvaluatorSettings;
  historyDays: number;
  now: () => number;
}

const idParams = z.object({ id: z.string().min(1).max(100) });

const channel = z.union([
  z.object({ type: z.literal('email'), to: z.array(z.string()) }),
  z.object({ type: z.literal('webhook'), webhookId: z.string() }),
]);
const ruleView = z.object({
  id: z.string(), name: z.string(), kind: z.string(), params: z.record(z.string(), z.unknown()), enabled: z.boolean(),
  severity: z.enum(['warning', 'critical']), provider: z.string().nullable(), cooldownSeconds: z.number().int(),
  escalateAfterSeconds: z.number().int().nullable(), channels: z.array(channel), escalationChannels: z.array(channel), notifyOwner: z.boolean(),
  updatedAt: z.iso.datetime(), updatedBy: z.string(),
});
const suppressionView = z.object({
  id: z.string(), ruleId: z.string().nullable(), provider: z.string().nullable(), integrationId: z.string().nullable(),
  startsAt: z.iso.datetime().nullable(), endsAt: z.iso.datetime(), reason: z.string(), active: z.boolean(), updatedBy: z.string(),
});

const kindView = z.object({
  id: z.string(), label: z.string(), description: z.string(), scope: z.enum(['integration', 'provider']),
  condition: z.string().describe('the condition as a sentence; `{param}` stands for that param\'s value'),
  params: z.record(z.string(), z.unknown()).describe('JSON Schema of `params`: per field a title, description, default, bounds and `x-unit`'),
});

/** The same for every request: the registry is fixed at start. */
const kindViews = ruleKinds.map((k) => ({
  id: k.id, label: k.label, description: k.description, scope: k.scope, condition: k.condition, params: jsonSchemaOf(k.params, 'input'),
}));

const backtestBody = z.object({
  rule: alertRuleInputSchema,
  days: z.number().int('must be a whole number').min(1, 'must be at least 1').max(30, 'must be at most 30').default(30),
}).strict();

const ruleFromRow = (r: Record<string, any>) => ({
  id: r.rule_id, name: r.name, kind: r.kind, params: r.params, enabled: r.enabled, severity: r.severity, provider: r.provider,
  cooldownSeconds: r.cooldown_seconds, escalateAfterSeconds: r.escalate_after_seconds, channels: r.channels,
  escalationChannels: r.escalation_channels, notifyOwner: r.notify_owner, updatedAt: r.updated_at.toISOString(), updatedBy: r.updated_by,
});

export function alertRuleRoutes(deps: AlertConfigDeps): Router {
  const api = documented(Router(), { tag: 'Admin: alerting', auth: 'admin' });
  const actorOf = (locals: Record<string, unknown>) => String(locals.adminEmail ?? 'unknown');
  const publish = async (event: ConfigEvent) => deps.producer.send(deps.topics.config, [await deps.codec.encode(event)]);

  /** Rules may only name webhooks that exist: a typo would silently notify nobody. */
  const checkWebhooks = async (rule: Omit<AlertRule, 'id'>) => {
    const ids = [...rule.channels, ...rule.escalationChannels].flatMap((c) => (c.type === 'webhook' ? [c.webhookId] : []));
    if (!ids.length) return;
    const { rows } = await deps.db.query('SELECT webhook_id FROM alert_webhooks WHERE webhook_id = ANY($1::text[])', [ids]);
    const missing = ids.filter((id) => !rows.some((r) => r.webhook_id === id));
    if (missing.length) throw new HttpError(400, 'validation_failed', 'invalid body: channels', { channels: `no such webhook: ${missing.join(', ')}` });
  };

  const save = async (id: string, input: Omit<AlertRule, 'id'>, actor: string) => {
    const rule = alertRuleSchema.parse({ ...input, id }) as AlertRule;
    await publish(ruleSavedEvent(rule, { eventId: randomUUID(), actor, occurredAt: deps.now() }));
    return rule;
  };

  api.get('/alert-rule-kinds', {
    summary: 'Alert rule kinds',
    description: 'What a rule can watch for, its params and the words for them, in the order people choose from. The rule editor is built from this.',
    responses: { 200: { description: 'every kind', body: z.object({ kinds: z.array(kindView) }) } },
  }, (_req, res) => {
    res.json({ kinds: kindViews });
  });

  api.get('/alert-rules', {
    summary: 'Alert rules',
    responses: { 200: { description: 'every rule, defaults included', body: z.object({ rules: z.array(ruleView) }) } },
  }, async (_req, res) => {
    const { rows } = await deps.db.query('SELECT * FROM alert_rules ORDER BY name, rule_id');
    res.json({ rules: rows.map(ruleFromRow) });
  });

  api.post('/alert-rules', {
    summary: 'Create an alert rule',
    description: 'Accepted onto config.events; the evaluator applies it within seconds. Audited as `alert_rule.create`.',
    body: alertRuleInputSchema,
    responses: { 202: { description: 'accepted', body: z.object({ id: z.string(), rule: z.record(z.string(), z.unknown()) }), headers: { Location: '/api/admin/alert-rules/{id}' } } },
  }, async (req, res) => {
    const input = validate(alertRuleInputSchema, req.body ?? {}) as Omit<AlertRule, 'id'>;
    await checkWebhooks(input);
    const rule = await save(randomUUID(), input, actorOf(res.locals));
    await audit(req, 'alert_rule.create', rule.id, 'success');
    res.status(202).location(`/api/admin/alert-rules/${rule.id}`).json({ id: rule.id, rule });
  });

  api.get('/alert-rules/:id', {
    summary: 'One alert rule', params: idParams,
    responses: { 200: { description: 'the rule', body: ruleView } },
  }, async (req, res) => {
    const { rows } = await deps.db.query('SELECT * FROM alert_rules WHERE rule_id = $1', [req.params.id]);
    if (!rows[0]) throw notFound('alert rule');
    res.json(ruleFromRow(rows[0]));
  });

  api.put('/alert-rules/:id', {
    summary: 'Replace an alert rule', description: 'Disabling a rule resolves its open alerts. Audited as `alert_rule.update`.',
    params: idParams, body: alertRuleInputSchema,
    responses: { 202: { description: 'accepted', body: z.object({ id: z.string(), rule: z.record(z.string(), z.unknown()) }) } },
  }, async (req, res) => {
    const input = validate(alertRuleInputSchema, req.body ?? {}) as Omit<AlertRule, 'id'>;
    const { rowCount } = await deps.db.query('SELECT 1 FROM alert_rules WHERE rule_id = $1', [req.params.id]);
    if (!rowCount) throw notFound('alert rule');
    await checkWebhooks(input);
    const rule = await save(req.params.id as string, input, actorOf(res.locals));
    await audit(req, 'alert_rule.update', rule.id, 'success');
    res.status(202).json({ id: rule.id, rule });
  });

  api.delete('/alert-rules/:id', {
    summary: 'Delete an alert rule', description: 'Its open alerts are resolved. Audited as `alert_rule.delete`.', params: idParams,
    responses: { 202: { description: 'accepted', body: z.object({ id: z.string() }) } },
  }, async (req, res) => {
    const { rowCount } = await deps.db.query('SELECT 1 FROM alert_rules WHERE rule_id = $1', [req.params.id]);
    if (!rowCount) throw notFound('alert rule');
    await publish({ type: 'AlertRuleDeleted', eventId: randomUUID(), entityId: req.params.id as string, actor: actorOf(res.locals), occurredAt: deps.now() });
    await audit(req, 'alert_rule.delete', req.params.id as string, 'success');
    res.status(202).json({ id: req.params.id });
  });

  api.post('/alert-rules/backtest', {
    summary: 'What a rule would have fired',
    description: 'Replays the stored check history (up to 30 days) through the evaluator with only this rule. Nothing is saved or sent.',
    body: backtestBody,
    responses: { 200: { description: 'the transitions it would have produced, and a summary', body: z.object({
      summary: z.object({ raised: z.number(), resolved: z.number(), escalated: z.number(), scopes: z.number(), firstAt: z.number().nullable(), lastAt: z.number().nullable() }),
      transitions: z.array(z.record(z.string(), z.unknown())),
      checksReplayed: z.number(), truncated: z.boolean(), from: z.iso.datetime(), to: z.iso.datetime(),
    }) } },
  }, async (req, res) => {
    const body = validate(backtestBody, req.body ?? {});
    const to = deps.now();
    const from = to - Math.min(body.days, deps.historyDays) * 86_400_000;
    const rule = alertRuleSchema.parse({ ...body.rule, id: randomUUID() }) as AlertRule;
    const result = await backtestRule(deps.db, rule, { from, to }, deps.evaluatorSettings);
    res.json({
      summary: result.summary, transitions: result.transitions.slice(-500), checksReplayed: result.checksReplayed,
      truncated: result.truncated, from: new Date(from).toISOString(), to: new Date(to).toISOString(),
    });
  });

  api.get('/suppressions', {
    summary: 'Suppressions and maintenance windows',
    responses: { 200: { description: 'current and future ones (ended ones are dropped)', body: z.object({ suppressions: z.array(suppressionView) }) } },
  }, async (_req, res) => {
    const { rows } = await deps.db.query('SELECT * FROM alert_suppressions WHERE ends_at > now() ORDER BY coalesce(starts_at, updated_at), suppression_id');
    const now = deps.now();
    res.json({
      suppressions: rows.map((r) => ({
        id: r.suppression_id, ruleId: r.rule_id, provider: r.provider, integrationId: r.integration_id,
        startsAt: r.starts_at ? r.starts_at.toISOString() : null, endsAt: r.ends_at.toISOString(), reason: r.reason,
        active: (!r.starts_at || r.starts_at.getTime() <= now) && r.ends_at.getTime() > now, updatedBy: r.updated_by,
      })),
    });
  });

  api.post('/suppressions', {
    summary: 'Mute a rule, a provider or an integration (or plan a maintenance window)',
    description: 'No new alerts for what it matches until `endsAt`; open ones stay open but do not escalate. Audited as `suppression.create`.',
    body: suppressionInputSchema,
    responses: { 202: { description: 'accepted', body: z.object({ id: z.string() }) } },
  }, async (req, res) => {
    const s = validate(suppressionInputSchema, req.body ?? {}) as { ruleId: string | null; provider: string | null; integrationId: string | null; startsAt: number | null; endsAt: number; reason: string };
    const id = randomUUID();
    await publish({
      type: 'SuppressionSaved', eventId: randomUUID(), entityId: id, actor: actorOf(res.locals), occurredAt: deps.now(),
      ruleId: s.ruleId ?? null, provider: s.provider ?? null, integrationId: s.integrationId ?? null, startsAt: s.startsAt ?? null, endsAt: s.endsAt, reason: s.reason,
    });
    await audit(req, 'suppression.create', id, 'success');
    res.status(202).json({ id });
  });

  api.delete('/suppressions/:id', {
    summary: 'End a suppression now', params: idParams,
    responses: { 202: { description: 'accepted', body: z.object({ id: z.string() }) } },
  }, async (req, res) => {
    const { rowCount } = await deps.db.query('SELECT 1 FROM alert_suppressions WHERE suppression_id = $1', [req.params.id]);
    if (!rowCount) throw notFound('suppression');
    await publish({ type: 'SuppressionDeleted', eventId: randomUUID(), entityId: req.params.id as string, actor: actorOf(res.locals), occurredAt: deps.now() });
    await audit(req, 'suppression.delete', req.params.id as string, 'success');
    res.status(202).json({ id: req.params.id });
  });

  return api.router;
}
