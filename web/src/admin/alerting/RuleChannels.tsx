// Who hears about it: email addresses and webhooks for raises and resolves, the same again for
// escalations, and the integration's owner.
import { Link } from 'wouter';
import type { Webhook } from '../../api/alertTypes';
import { useWebhooks } from './alertingApi';
import { Field } from './Field';
import type { DraftProps } from './RuleBasics';
import type { RuleDraft } from './ruleDraft';

function Channels({ which, emails, hooks, onEmails, onHooks, errors, webhooks, legend, hint }: {
  which: 'channels' | 'escalationChannels';
  emails: string;
  hooks: string[];
  onEmails: (v: string) => void;
  onHooks: (v: string[]) => void;
  errors: Record<string, string>;
  webhooks: Webhook[] | undefined;
  legend: string;
  hint: string;
}) {
  const prefix = which === 'channels' ? 'rule' : 'rule-escalation';
  const hookError = errors[`${which}.webhooks`];
  return (
    <fieldset className="channel-set">
      <legend>{legend}</legend>
      <p className="muted small">{hint}</p>
      {errors[which] && <p className="form-field__error">{errors[which]}</p>}
      <Field id={`${prefix}-emails`} label="Email addresses" error={errors[`${which}.emails`]} hint="Separate addresses with commas. They get one digest per burst of alerts.">
        {(a) => <textarea {...a} rows={2} value={emails} onChange={(e) => onEmails(e.target.value)} placeholder="ops@example.com, oncall@example.com" />}
      </Field>
      <fieldset className="form-field webhook-picks" id={`${prefix}-webhooks`} tabIndex={-1} aria-describedby={hookError ? `${prefix}-webhooks-error` : undefined}>
        <legend className="form-field__label">Webhooks</legend>
        {!webhooks ? <p className="muted small">Loading webhooks…</p> : webhooks.length === 0 ? (
          <p className="muted small">No webhooks yet. <Link href="/alerting/webhooks">Add one</Link> to deliver alerts to your own endpoint.</p>
        ) : (
          <ul>
            {webhooks.map((w) => (
              <li key={w.id}>
                <label className="check">
                  <input type="checkbox" checked={hooks.includes(w.id)} aria-invalid={!!hookError}
                    onChange={(e) => onHooks(e.target.checked ? [...hooks, w.id] : hooks.filter((h) => h !== w.id))} />
                  <span>{w.name} <span className="muted small mono">{w.urlOrigin}</span>{!w.enabled && <span className="pill pill--denied">disabled</span>}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
        {hookError && <p id={`${prefix}-webhooks-error`} className="form-field__error">{hookError}</p>}
      </fieldset>
    </fieldset>
  );
}

export function RuleChannels({ draft, kind, set, errors }: DraftProps) {
  const webhooks = useWebhooks().data?.webhooks;
  const perIntegration = kind.scope === 'integration';
  const pick = (patch: Partial<RuleDraft>) => set(patch);
  return (
    <section className="card section rule-card" aria-labelledby="rule-channels-heading">
      <h2 id="rule-channels-heading" className="section__title">Who hears about it</h2>
      <div className="channel-grid">
        <Channels which="channels" legend="Notify" hint="When an alert is raised and when it resolves." errors={errors} webhooks={webhooks}
          emails={draft.emails} hooks={draft.webhookIds} onEmails={(emails) => pick({ emails })} onHooks={(webhookIds) => pick({ webhookIds })} />
        {draft.escalate ? (
          <Channels which="escalationChannels" legend="Escalate to" errors={errors} webhooks={webhooks}
            hint={draft.escalationEmails.trim() || draft.escalationWebhookIds.length ? 'When nobody has acknowledged it in time.' : 'When nobody has acknowledged it in time. Pick someone here, or the escalation reaches nobody.'}
            emails={draft.escalationEmails} hooks={draft.escalationWebhookIds}
            onEmails={(escalationEmails) => pick({ escalationEmails })} onHooks={(escalationWebhookIds) => pick({ escalationWebhookIds })} />
        ) : (
          <div className="channel-set channel-set--off">
            <p className="form-field__label">Escalate to</p>
            <p className="muted small">Turn on escalation under <em>Noise control</em> to page someone else when nobody takes an alert on.</p>
          </div>
        )}
      </div>
      <div className="form-field owner-field">
        <label className="check">
          <input id="rule-notify-owner" type="checkbox" checked={perIntegration && draft.notifyOwner} disabled={!perIntegration}
            aria-invalid={!!errors.notifyOwner} aria-describedby="rule-notify-owner-hint"
            onChange={(e) => set({ notifyOwner: e.target.checked })} />
          Also email the integration's owner, with the steps to fix it
        </label>
        <p id="rule-notify-owner-hint" className="form-field__hint">
          {perIntegration ? 'Only their own integrations, at the address in their sign-in token.' : 'Only for rules about one integration: a provider-wide problem is not the owner\'s to fix.'}
        </p>
        {errors.notifyOwner && <p className="form-field__error">{errors.notifyOwner}</p>}
      </div>
    </section>
  );
}
