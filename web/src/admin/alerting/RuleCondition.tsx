// The kind's thresholds, each with its unit, and the condition read back as a sentence.
import { DurationField, NumberField } from './DurationField';
import { Field } from './Field';
import type { RuleKind } from '../../api/alertTypes';
import { providerName } from '../../lib/format';
import { conditionText, kindInfo } from './labels';
import type { DraftProps } from './RuleBasics';
import { paramSpecs } from './ruleDraft';
import { paramId } from './ruleErrors';

const scopeSentence = (kind: RuleKind, provider: string) => kindInfo[kind].scope === 'integration'
  ? `for every ${provider ? `${providerName(provider)} ` : ''}integration`
  : provider ? `for ${providerName(provider)}` : 'for each provider on its own';

export function RuleCondition({ draft, set, errors }: DraftProps) {
  const specs = paramSpecs[draft.kind];
  const setParam = (key: string, value: number | null) => set({ params: { ...draft.params, [key]: value } });
  const sentence = conditionText({ kind: draft.kind, params: Object.fromEntries(Object.entries(draft.params).filter(([, v]) => v !== null)) });
  return (
    <section className="card section rule-card" aria-labelledby="rule-condition-heading">
      <h2 id="rule-condition-heading" className="section__title">When it fires</h2>
      <p className="rule-sentence" aria-live="polite">
        <strong>{sentence}</strong>
        <span className="muted"> · {scopeSentence(draft.kind, draft.provider)}</span>
      </p>
      {specs.length === 0 ? (
        <p className="muted small">Nothing to set: {kindInfo[draft.kind].what.charAt(0).toLowerCase() + kindInfo[draft.kind].what.slice(1)}</p>
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
