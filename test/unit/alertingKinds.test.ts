import { expect } from 'chai';
import { alertRuleInputSchema, defaultRules } from '../../alerting/index.js';
import { kindOf, ruleKinds } from '../../alerting/kinds/index.js';
import type { RuleKind } from '../../alerting/kinds/kind.js';
import { jsonSchemaOf } from '../../api/openapi/jsonSchema.js';

// The rule editor is built from these answers alone (GET /api/admin/alert-rule-kinds): a kind
// that forgot a title or a default would show an unlabelled or empty field.
describe('alert rule kinds', () => {
  const paramsOf = (kind: RuleKind) => jsonSchemaOf(kind.params, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const defaultsOf = (kind: RuleKind) => Object.fromEntries(Object.entries(paramsOf(kind).properties ?? {}).map(([k, p]) => [k, p.default]));
  const ruleOf = (kind: (typeof ruleKinds)[number], params: Record<string, unknown>) => ({
    name: kind.label, kind: kind.id, params, enabled: true, severity: 'warning', provider: null, cooldownSeconds: 600,
    escalateAfterSeconds: null, channels: [], escalationChannels: [], notifyOwner: false,
  });

  it('each have one id, words for people and a scope', () => {
    expect(new Set(ruleKinds.map((k) => k.id)).size).to.equal(ruleKinds.length);
    for (const kind of ruleKinds) {
      expect(kind.label, kind.id).to.match(/^\S.{2,40}$/);
      expect(kind.description, kind.id).to.match(/^[A-Z].+\.$/);
      expect(['integration', 'provider']).to.include(kind.scope);
      expect(kindOf(kind.id)).to.equal(kind);
    }
    expect(() => kindOf('disk_full')).to.throw('unknown alert rule kind: disk_full');
  });

  it('describe every param with a label, a unit, bounds and a default the API accepts', () => {
    for (const kind of ruleKinds) {
      const schema = paramsOf(kind);
      for (const [name, p] of Object.entries(schema.properties ?? {})) {
        expect(p, `${kind.id}.${name}`).to.include.keys('title', 'default', 'x-unit', 'minimum', 'maximum');
        expect(['duration', 'checks', '%', 'ms', 'integrations', 'users']).to.include(p['x-unit']);
      }
      expect(schema.required ?? [], kind.id).to.have.members(Object.keys(schema.properties ?? {}));
      const parsed = alertRuleInputSchema.safeParse(ruleOf(kind, defaultsOf(kind)));
      expect(parsed.error?.issues, kind.id).to.equal(undefined);
    }
  });

  it('say their condition with placeholders for their own params only', () => {
    for (const kind of ruleKinds) {
      const named = [...kind.condition.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(Object.keys(paramsOf(kind).properties ?? {}), kind.id).to.include.members(named);
    }
    const failureRate = kindOf('provider_failure_rate');
    expect(failureRate.condition).to.equal('Over {thresholdPercent} % failed in {windowSeconds} (at least {minSample} checks)');
  });

  it('start a new rule from the same thresholds as the rule Pulse ships for that kind, where it ships one', () => {
    for (const rule of defaultRules([])) {
      const defaults = defaultsOf(kindOf(rule.kind));
      expect(defaults, rule.kind).to.deep.equal(rule.params);
    }
  });
});
