import { expect } from 'chai';
import type { z } from 'zod';
import { alertRuleInputSchema, alertRuleSchema, defaultRules, providerLabel, suppressionInputSchema, suppressionSchema } from '../../alerting/index.js';
import type { AlertRule } from '../../alerting/types.js';
import { supportedProviders } from '../../producers/checks/index.js';

/** The field → message map an admin sees in a 400 (as api/errors.ts builds it). */
function complaints(schema: z.ZodType, input: unknown): Record<string, string> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return {};
  const out: Record<string, string> = {};
  for (const issue of parsed.error.issues) out[issue.path.join('.') || 'body'] ??= issue.message;
  return out;
}

const ruleInput = (over: Record<string, unknown> = {}) => ({
  name: 'Gmail failing',
  kind: 'provider_failure_rate',
  params: { windowSeconds: 900, thresholdPercent: 20, minSample: 20 },
  enabled: true,
  severity: 'critical',
  provider: 'gmail',
  cooldownSeconds: 600,
  escalateAfterSeconds: null,
  channels: [{ type: 'email', to: ['ops@example.com'] }],
  escalationChannels: [],
  notifyOwner: false,
  ...over,
});

const webhookId = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

describe('alert rule validation', () => {
  it('accepts a well-formed rule of every kind (the defaults) and a new rule without id', () => {
    for (const rule of defaultRules(['ops@example.com'])) expect(complaints(alertRuleSchema, rule), rule.id).to.deep.equal({});
    expect(complaints(alertRuleInputSchema, ruleInput({ channels: [{ type: 'webhook', webhookId }] }))).to.deep.equal({});
  });

  it('names each out-of-range parameter in words', () => {
    expect(complaints(alertRuleInputSchema, ruleInput({ params: { windowSeconds: 30, thresholdPercent: 150, minSample: 0 } }))).to.deep.equal({
      'params.windowSeconds': 'must be between 60 and 86400 seconds',
      'params.thresholdPercent': 'must be between 0 and 100',
      'params.minSample': 'must be between 1 and 1000000 checks',
    });
    expect(complaints(alertRuleInputSchema, ruleInput({ kind: 'consecutive_failures', params: { failures: 101 } }))).to.deep.equal({ 'params.failures': 'must be between 1 and 100 failures' });
    expect(complaints(alertRuleInputSchema, ruleInput({ kind: 'check_stalled', params: { afterSeconds: 59 } }))).to.have.property('params.afterSeconds', 'must be between 60 and 604800 seconds');
    expect(complaints(alertRuleInputSchema, ruleInput({ cooldownSeconds: 604_801, escalateAfterSeconds: 30 }))).to.deep.equal({
      cooldownSeconds: 'must be between 0 and 604800 seconds',
      escalateAfterSeconds: 'must be between 60 and 2592000 seconds',
    });
  });

  it('explains bad names, kinds, providers and channels', () => {
    expect(complaints(alertRuleInputSchema, ruleInput({ name: '  ' }))).to.deep.equal({ name: 'must not be empty' });
    expect(complaints(alertRuleInputSchema, ruleInput({ name: 'x'.repeat(101) }))).to.deep.equal({ name: 'must be at most 100 characters' });
    expect(complaints(alertRuleInputSchema, ruleInput({ kind: 'disk_full' })).kind).to.match(/^must be one of: integration_red, consecutive_failures/);
    expect(complaints(alertRuleInputSchema, ruleInput({ provider: 'gmial' })).provider).to.match(/^must be one of: gmail, /);
    expect(complaints(alertRuleInputSchema, ruleInput({ channels: [{ type: 'email', to: [] }] }))).to.deep.equal({ 'channels.0.to': 'must list at least one email address' });
    expect(complaints(alertRuleInputSchema, ruleInput({ channels: [{ type: 'email', to: ['ops@example.com', 'not-an-email'] }] }))).to.deep.equal({ 'channels.0.to.1': 'must be an email address' });
    expect(complaints(alertRuleInputSchema, ruleInput({ escalationChannels: [{ type: 'webhook', webhookId: 'hook-1' }] }))).to.deep.equal({ 'escalationChannels.0.webhookId': 'must be a webhook id (UUID)' });
  });

  it('refuses unknown fields, including an id in what an admin posts', () => {
    expect(complaints(alertRuleInputSchema, ruleInput({ threshold: 5 }))).to.deep.equal({ body: 'unknown field(s): threshold' });
    expect(complaints(alertRuleInputSchema, ruleInput({ id: webhookId }))).to.deep.equal({ body: 'unknown field(s): id' });
    expect(complaints(alertRuleInputSchema, ruleInput({ params: { windowSeconds: 900, thresholdPercent: 20, minSample: 20, extra: 1 } }))).to.deep.equal({ params: 'unknown field(s): extra' });
  });

  it('only lets rules about one integration notify its owner', () => {
    expect(complaints(alertRuleInputSchema, ruleInput({ notifyOwner: true }))).to.deep.equal({ notifyOwner: 'only rules about one integration can notify its owner' });
    expect(complaints(alertRuleInputSchema, ruleInput({ kind: 'integration_red', params: {}, notifyOwner: true }))).to.deep.equal({});
  });

  it('takes a UUID or a default-… slug as a stored rule id', () => {
    expect(complaints(alertRuleSchema, { ...ruleInput(), id: webhookId })).to.deep.equal({});
    expect(complaints(alertRuleSchema, { ...ruleInput(), id: 'default-my-rule' })).to.deep.equal({});
    expect(complaints(alertRuleSchema, { ...ruleInput(), id: 'my rule' })).to.deep.equal({ id: 'must be a UUID or a default-… id' });
  });

  it('knows every provider Pulse checks, by its display name', () => {
    for (const provider of supportedProviders) {
      expect(providerLabel(provider), provider).to.not.equal(provider);
      expect(complaints(alertRuleInputSchema, ruleInput({ provider })), provider).to.deep.equal({});
    }
    expect(['gmail', 'google_calendar', 'slack', 'mcp', 'http'].map(providerLabel)).to.deep.equal(['Gmail', 'Google Calendar', 'Slack', 'MCP server', 'HTTP API']);
  });
});

describe('suppression validation', () => {
  const input = (over: Record<string, unknown> = {}) => ({ ruleId: null, provider: 'gmail', integrationId: null, startsAt: null, endsAt: Date.parse('2026-11-02T12:00:00Z'), reason: 'Gmail maintenance', ...over });

  it('accepts a mute from now and a maintenance window with a start', () => {
    expect(complaints(suppressionInputSchema, input())).to.deep.equal({});
    expect(complaints(suppressionInputSchema, input({ startsAt: Date.parse('2026-11-02T10:00:00Z') }))).to.deep.equal({});
    expect(complaints(suppressionSchema, { ...input(), id: webhookId })).to.deep.equal({});
  });

  it('must name what it mutes', () => {
    expect(complaints(suppressionInputSchema, input({ provider: null }))).to.deep.equal({ ruleId: 'name a rule, a provider or an integration to mute (at least one of ruleId, provider, integrationId)' });
  });

  it('must end after it starts and give a short reason', () => {
    expect(complaints(suppressionInputSchema, input({ startsAt: Date.parse('2026-11-02T12:00:00Z') }))).to.deep.equal({ endsAt: 'must be after startsAt' });
    expect(complaints(suppressionInputSchema, input({ reason: '' }))).to.deep.equal({ reason: 'must not be empty' });
    expect(complaints(suppressionInputSchema, input({ reason: 'x'.repeat(201) }))).to.deep.equal({ reason: 'must be at most 200 characters' });
    expect(complaints(suppressionInputSchema, input({ integrationId: 'int-1' }))).to.deep.equal({ integrationId: 'must be an integration id (UUID)' });
    expect(complaints(suppressionInputSchema, input({ id: webhookId }))).to.deep.equal({ body: 'unknown field(s): id' });
  });
});

describe('default rules', () => {
  const byId = (rules: AlertRule[]) => Object.fromEntries(rules.map((r) => [r.id, r]));

  it('cover every kind with the documented thresholds', () => {
    const rules = byId(defaultRules(['ops@example.com']));
    expect(Object.keys(rules)).to.have.members([
      'default-integration-red',
      'default-consecutive-failures',
      'default-provider-failure-rate',
      'default-provider-latency-p95',
      'default-reauth-required',
      'default-check-stalled',
      'default-provider-incident',
    ]);
    expect(rules['default-integration-red']).to.include({ severity: 'critical', notifyOwner: true, escalateAfterSeconds: 1800, cooldownSeconds: 600 });
    expect(rules['default-consecutive-failures']?.params).to.deep.equal({ failures: 5 });
    expect(rules['default-provider-failure-rate']?.params).to.deep.equal({ windowSeconds: 900, thresholdPercent: 20, minSample: 20 });
    expect(rules['default-provider-latency-p95']?.params).to.deep.equal({ windowSeconds: 900, thresholdMs: 3000, minSample: 20 });
    expect(rules['default-reauth-required']).to.include({ severity: 'warning', notifyOwner: true });
    expect(rules['default-check-stalled']?.params).to.deep.equal({ afterSeconds: 900 });
    expect(rules['default-provider-incident']?.params).to.deep.equal({ windowSeconds: 600, minIntegrations: 5, minUsers: 3, failurePercent: 50 });
  });

  it('email the admins, or nobody when there are none', () => {
    for (const rule of defaultRules(['a@example.com', 'b@example.com'])) expect(rule.channels).to.deep.equal([{ type: 'email', to: ['a@example.com', 'b@example.com'] }]);
    for (const rule of defaultRules([])) expect(rule.channels).to.deep.equal([]);
  });
});
