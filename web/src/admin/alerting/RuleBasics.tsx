// The rule's identity: its name, what kind of problem it watches, how urgent, which provider.
import { alertProviders, type RuleKindInfo, type Severity } from '../../api/alertTypes';
import { providerName } from '../../lib/format';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { Field } from './Field';
import type { RuleDraft } from './ruleDraft';
import { kindGroups } from './ruleKinds';
import { Toggle } from './Toggle';

export interface DraftProps {
  draft: RuleDraft;
  /** The draft's kind, as the API describes it. */
  kind: RuleKindInfo;
  set: (patch: Partial<RuleDraft>) => void;
  errors: Record<string, string>;
}

export function RuleBasics({ draft, kind, kinds, set, errors, onKind }: DraftProps & { kinds: RuleKindInfo[]; onKind: (kind: RuleKindInfo) => void }) {
  const perIntegration = kind.scope === 'integration';
  return (
    <section className="card section rule-card" aria-labelledby="rule-basics-heading">
      <h2 id="rule-basics-heading" className="section__title">Rule</h2>
      <div className="form-grid">
        <Field id="rule-name" label="Name" error={errors.name} hint="Shown in every notification." className="form-grid__wide">
          {(a) => <input {...a} type="text" value={draft.name} maxLength={120} onChange={(e) => set({ name: e.target.value })} placeholder="e.g. Slack integration is red" />}
        </Field>
        <Field id="rule-kind" label="Watches for" error={errors.kind} hint={kind.description} className="form-grid__wide">
          {(a) => (
            <select {...a} value={draft.kind} onChange={(e) => onKind(kinds.find((k) => k.id === e.target.value) ?? kind)}>
              {kindGroups(kinds).map((g) => (
                <optgroup key={g.label} label={g.label}>
                  {g.kinds.map((k) => <option key={k.id} value={k.id}>{k.label}</option>)}
                </optgroup>
              ))}
            </select>
          )}
        </Field>
        <div className="form-field">
          <span className="form-field__label" aria-hidden="true">Severity</span>
          <SegmentedControl<Severity> label="Severity" value={draft.severity} onChange={(severity) => set({ severity })}
            options={[{ value: 'warning', label: 'Warning' }, { value: 'critical', label: 'Critical' }]} />
          {errors.severity && <p className="form-field__error">{errors.severity}</p>}
        </div>
        <Field id="rule-provider" label="Provider" error={errors.provider}
          hint={perIntegration
            ? draft.provider ? 'Only integrations of this provider.' : "Every provider's integrations; pick one to narrow it."
            : draft.provider ? 'Only this provider.' : 'Each provider is watched on its own.'}>
          {(a) => (
            <select {...a} value={draft.provider} onChange={(e) => set({ provider: e.target.value })}>
              <option value="">All providers</option>
              {alertProviders.map((p) => <option key={p} value={p}>{providerName(p)}</option>)}
            </select>
          )}
        </Field>
        <div className="form-field">
          <span className="form-field__label" id="rule-enabled-label">Enabled</span>
          <Toggle checked={draft.enabled} onChange={(enabled) => set({ enabled })} label="Rule enabled" />
          <p className="form-field__hint">{draft.enabled ? 'Evaluated from the moment it is saved.' : 'A disabled rule raises nothing; its open alerts resolve.'}</p>
        </div>
      </div>
    </section>
  );
}
