// The rule's identity: its name, what kind of problem it watches, how urgent, which provider.
import { alertProviders, ruleKinds, type RuleKind, type Severity } from '../../api/alertTypes';
import { providerName } from '../../lib/format';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { Field } from './Field';
import { kindInfo } from './labels';
import type { RuleDraft } from './ruleDraft';
import { Toggle } from './Toggle';

export interface DraftProps {
  draft: RuleDraft;
  set: (patch: Partial<RuleDraft>) => void;
  errors: Record<string, string>;
}

const groups = [
  { label: 'About one integration', kinds: ruleKinds.filter((k) => kindInfo[k].scope === 'integration') },
  { label: 'About a whole provider', kinds: ruleKinds.filter((k) => kindInfo[k].scope === 'provider') },
];

export function RuleBasics({ draft, set, errors, onKind }: DraftProps & { onKind: (kind: RuleKind) => void }) {
  const perIntegration = kindInfo[draft.kind].scope === 'integration';
  return (
    <section className="card section rule-card" aria-labelledby="rule-basics-heading">
      <h2 id="rule-basics-heading" className="section__title">Rule</h2>
      <div className="form-grid">
        <Field id="rule-name" label="Name" error={errors.name} hint="Shown in every notification." className="form-grid__wide">
          {(a) => <input {...a} type="text" value={draft.name} maxLength={120} onChange={(e) => set({ name: e.target.value })} placeholder="e.g. Slack integration is red" />}
        </Field>
        <Field id="rule-kind" label="Watches for" error={errors.kind} hint={kindInfo[draft.kind].what} className="form-grid__wide">
          {(a) => (
            <select {...a} value={draft.kind} onChange={(e) => onKind(e.target.value as RuleKind)}>
              {groups.map((g) => (
                <optgroup key={g.label} label={g.label}>
                  {g.kinds.map((k) => <option key={k} value={k}>{kindInfo[k].label}</option>)}
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
