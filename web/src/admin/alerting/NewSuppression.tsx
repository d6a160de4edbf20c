// Muting: a rule, a provider, an integration or a combination of them (all that are given must
// match), from now or from a later time (a maintenance window) until an end, with a reason.
// Opened from an alert, it comes pre-filled with that alert's rule and scope.
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useSearch } from 'wouter';
import { alertProviders } from '../../api/alertTypes';
import { ApiError } from '../../api/http';
import { providerName } from '../../lib/format';
import { exactTime } from '../../lib/time';
import { ErrorState } from '../../ui/ErrorState';
import { toast } from '../../ui/toasts';
import { createSuppression, useRules } from './alertingApi';
import { Field } from './Field';
import { BellOff } from './icons';
import { durationText, humanizeMessage } from './labels';
import { fromLocalInput, toLocalInput } from './localTime';

const HOUR = 3_600_000;
const quick = [HOUR, 4 * HOUR, 24 * HOUR, 7 * 24 * HOUR];

export function NewSuppression() {
  const qc = useQueryClient();
  const rules = useRules().data?.rules;
  const params = new URLSearchParams(useSearch());
  const [ruleId, setRuleId] = useState(params.get('ruleId') ?? '');
  const [provider, setProvider] = useState(params.get('provider') ?? '');
  const [integrationId, setIntegrationId] = useState(params.get('integrationId') ?? '');
  const [later, setLater] = useState(false);
  const [starts, setStarts] = useState(() => toLocalInput(Date.now() + HOUR));
  const [ends, setEnds] = useState(() => toLocalInput(Date.now() + HOUR));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);

  const startMs = later ? fromLocalInput(starts) : Date.now();
  const endFrom = (ms: number) => setEnds(toLocalInput((Number.isFinite(startMs) ? startMs : Date.now()) + ms));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const endsAt = fromLocalInput(ends);
    const local: Record<string, string> = {};
    if (!Number.isFinite(endsAt)) local.endsAt = 'Pick when it ends.';
    else if (endsAt <= Date.now()) local.endsAt = 'Must be in the future.';
    if (later && !Number.isFinite(startMs)) local.startsAt = 'Pick when it starts.';
    if (Object.keys(local).length) return setErrors(local);
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      await createSuppression(qc, {
        ruleId: ruleId || null, provider: provider || null, integrationId: integrationId.trim() || null,
        startsAt: later ? startMs : null, endsAt, reason,
      });
      toast({ tone: 'success', title: later ? 'Maintenance window planned' : 'Muted', body: later ? `${exactTime(startMs)} to ${exactTime(endsAt)}.` : `Until ${exactTime(endsAt)}.` });
      setReason('');
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setErrors(Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, humanizeMessage(v)])));
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  const what = errors.ruleId;
  return (
    <section className="card section" aria-labelledby="new-suppression-heading">
      <h2 id="new-suppression-heading" className="section__title">Mute alerts</h2>
      <form className="suppression-form" onSubmit={submit} noValidate>
        <fieldset className="suppression-form__what" aria-describedby={what ? 'suppression-what-error' : 'suppression-what-hint'}>
          <legend>What to mute</legend>
          <p id="suppression-what-hint" className="muted small">Fill in one or more: an alert is muted when it matches every one you fill in.</p>
          <div className="form-grid">
            <Field id="suppression-rule" label="Rule">
              {(a) => (
                <select {...a} aria-invalid={!!what} value={ruleId} onChange={(e) => setRuleId(e.target.value)}>
                  <option value="">Any rule</option>
                  {rules?.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
                  {ruleId && rules && !rules.some((r) => r.id === ruleId) && <option value={ruleId}>{ruleId}</option>}
                </select>
              )}
            </Field>
            <Field id="suppression-provider" label="Provider" error={errors.provider}>
              {(a) => (
                <select {...a} value={provider} onChange={(e) => setProvider(e.target.value)}>
                  <option value="">Any provider</option>
                  {alertProviders.map((p) => <option key={p} value={p}>{providerName(p)}</option>)}
                </select>
              )}
            </Field>
            <Field id="suppression-integration" label="Integration id" error={errors.integrationId} hint="From the integration's page in System health.">
              {(a) => <input {...a} type="text" value={integrationId} onChange={(e) => setIntegrationId(e.target.value)} placeholder="Any integration" spellCheck={false} className="mono" />}
            </Field>
          </div>
          {what && <p id="suppression-what-error" className="form-field__error">{what}</p>}
        </fieldset>
        <fieldset className="suppression-form__when">
          <legend>When</legend>
          <div className="form-grid">
            <div className="form-field">
              <span className="form-field__label" id="suppression-start-label">Starts</span>
              <div className="radio-row" role="radiogroup" aria-labelledby="suppression-start-label">
                <label className="check"><input type="radio" name="suppression-start" checked={!later} onChange={() => setLater(false)} /> Now</label>
                <label className="check"><input type="radio" name="suppression-start" checked={later} onChange={() => setLater(true)} /> Later (maintenance window)</label>
              </div>
              {later && (
                <Field id="suppression-starts" label="Starts at" error={errors.startsAt} className="form-field--nested">
                  {(a) => <input {...a} type="datetime-local" value={starts} onChange={(e) => setStarts(e.target.value)} />}
                </Field>
              )}
            </div>
            <Field id="suppression-ends" label="Ends at" error={errors.endsAt}>
              {(a) => (
                <>
                  <input {...a} type="datetime-local" value={ends} onChange={(e) => setEnds(e.target.value)} />
                  <span className="quick-picks" role="group" aria-label="End after">
                    <span className="muted small" aria-hidden="true">End in</span>
                    {quick.map((ms) => <button key={ms} type="button" className="button button--ghost button--small" onClick={() => endFrom(ms)}>{durationText(ms / 1000)}</button>)}
                  </span>
                </>
              )}
            </Field>
          </div>
        </fieldset>
        <Field id="suppression-reason" label="Reason" error={errors.reason} hint="For whoever wonders later why nothing was raised." className="suppression-form__reason">
          {(a) => <input {...a} type="text" value={reason} maxLength={220} onChange={(e) => setReason(e.target.value)} placeholder="e.g. Slack maintenance, ticket OPS-1234" />}
        </Field>
        <div className="form-actions form-actions--flat">
          <button type="submit" className="button button--primary" disabled={busy}>
            <BellOff size={16} /> {busy ? 'Saving…' : later ? 'Plan maintenance window' : 'Mute now'}
          </button>
          <p className="muted small">While muted nothing it matches is raised; open alerts stay open but do not escalate.</p>
        </div>
        {failure !== null && <ErrorState compact title="Could not mute" error={failure} />}
      </form>
    </section>
  );
}
