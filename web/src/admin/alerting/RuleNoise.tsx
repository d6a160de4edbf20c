// How the rule keeps quiet: the cooldown after a resolve, and whether an alert nobody takes on
// escalates (and after how long).
import { DurationField } from './DurationField';
import { Field } from './Field';
import type { DraftProps } from './RuleBasics';

export function RuleNoise({ draft, set, errors }: DraftProps) {
  return (
    <section className="card section rule-card" aria-labelledby="rule-noise-heading">
      <h2 id="rule-noise-heading" className="section__title">Noise control</h2>
      <div className="form-grid">
        <Field id="rule-cooldown" label="Cooldown" error={errors.cooldownSeconds} hint="After a resolve, the same problem is not raised again for this long.">
          {(a) => <DurationField a11y={a} seconds={draft.cooldownSeconds} onChange={(cooldownSeconds) => set({ cooldownSeconds })} label="Cooldown" />}
        </Field>
        <div className="form-field">
          <span className="form-field__label">Escalation</span>
          <label className="check">
            <input type="checkbox" checked={draft.escalate} onChange={(e) => set({ escalate: e.target.checked })} />
            Escalate when nobody acknowledges it
          </label>
          {draft.escalate && (
            <Field id="rule-escalate-after" label="Escalate after" error={errors.escalateAfterSeconds} hint="From 1 minute to 30 days after it was raised." className="form-field--nested">
              {(a) => <DurationField a11y={a} seconds={draft.escalateAfterSeconds} onChange={(escalateAfterSeconds) => set({ escalateAfterSeconds })} label="Escalate after" />}
            </Field>
          )}
        </div>
      </div>
    </section>
  );
}
