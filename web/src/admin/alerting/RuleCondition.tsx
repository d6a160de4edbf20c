// The kind's thresholds, each with its unit, and the condition read back as a sentence.
import { DurationField, NumberField } from './DurationField';
import { Field } from './Field';
import type { RuleKindInfo } from '../../api/alertTypes';
import { providerName } from '../../lib/format';
import type { DraftProps } from './RuleBasics';
import { paramId } from './ruleErrors';
import { conditionText, paramSpecsOf } from './ruleKinds';

const scopeSentence = (kind: RuleKindInfo, provider: string) => kind.scope === 'integration'
  ? `for every ${provider ? `${providerName(provider)} ` : ''}integration`
  : provider ? `for ${providerName(provider)}` : 'for each provider on its own';

export function RuleCondition({ draft, kind, set, errors }: DraftProps) {
  const specs = paramSpecsOf(kind);
  const setParam = (key: string, value: number | null) => set({ params: { ...draft.params, [key]: value } });
  const sentence = conditionText(kind, draft.params);
  return (
    <section className="card section rule-card" aria-labelledby="rule-condition-heading">
      <h2 id="rule-condition-heading" className="section__title">When it fires</h2>
      <p className="rule-sentence" aria-live="polite">
        <strong>{sentence}</strong>
        <span className="muted"> · {scopeSentence(kind, draft.provider)}</span>
      </p>
      {specs.length === 0 ? (
        <p className="muted small">Nothing to set: {kind.description.charAt(0).toLowerCase() + kind.description.slice(1)}</p>
      ) : (
        <div className="form-grid">
          {specs.map((p) => (
            <Field key={`${draft.kind}-${p.key}`} id={paramId(p.key)} error={errors[`params.${p.key}`]} hint={p.hint}
              label={<>{p.label}{p.unit !== 'duration' && <span className="visually-hidden"> ({p.unit})</span>}</>}>
              {(a) => p.unit === 'duration'
                ? <DurationField a11y={a} seconds={draft.params[p.key] ?? null} onChange={(v) => setParam(p.key, v)} label={p.label} />
                : <NumberField a11y={a} value={draft.params[p.key]} onChange={(v) => setParam(p.key, v)} unit={p.unit} />}
            </Field>
          ))}
        </div>
      )}
    </section>
  );
}
