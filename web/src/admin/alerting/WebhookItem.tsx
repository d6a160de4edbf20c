// One webhook: where it points, whether it is on, and what can be done to it — send a test,
// rename or re-target it (the secret stays), switch it off or on, delete it.
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { TestResult, Webhook } from '../../api/alertTypes';
import { ApiError } from '../../api/http';
import { errorText } from '../../ui/ErrorState';
import { Timestamp } from '../../ui/Timestamp';
import { toast } from '../../ui/toasts';
import { deleteWebhook, sendTestNotification, updateWebhook } from './alertingApi';
import { ConfirmAction } from './ConfirmAction';
import { Field } from './Field';
import { Send, Trash } from './icons';
import { humanizeMessage } from './labels';
import { TestOutcome } from './TestOutcome';
import { Toggle } from './Toggle';

function EditForm({ hook, onDone }: { hook: Webhook; onDone: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(hook.name);
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const base = `webhook-${hook.id}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const patch = { ...(name.trim() !== hook.name ? { name } : {}), ...(url.trim() ? { url: url.trim() } : {}) };
    if (!Object.keys(patch).length) return onDone();
    setBusy(true);
    setErrors({});
    try {
      await updateWebhook(qc, hook, patch);
      toast({ tone: 'success', title: `Saved “${patch.name?.trim() ?? hook.name}”`, body: patch.url ? 'New deliveries go to the new URL, signed with the same secret.' : undefined });
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setErrors(Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, humanizeMessage(v)])));
      else toast({ tone: 'error', title: 'Could not save the webhook', body: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="webhook-form webhook-form--edit" onSubmit={submit} noValidate aria-label={`Edit ${hook.name}`}>
      <Field id={`${base}-name`} label="Name" error={errors.name}>
        {(a) => <input {...a} type="text" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} autoFocus />}
      </Field>
      <Field id={`${base}-url`} label="New URL" error={errors.url} hint={`Empty keeps the current one (${hook.urlOrigin}/…). The secret stays the same.`}>
        {(a) => <input {...a} type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…" spellCheck={false} />}
      </Field>
      <div className="webhook-form__buttons">
        <button type="submit" className="button button--primary button--small" disabled={busy}>{busy ? 'Saving…' : 'Save'}</button>
        <button type="button" className="button button--ghost button--small" onClick={onDone} disabled={busy}>Cancel</button>
      </div>
    </form>
  );
}

export function WebhookItem({ hook }: { hook: Webhook }) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  const [switching, setSwitching] = useState<boolean | null>(null);
  const [deleting, setDeleting] = useState(false);

  async function test() {
    setTesting(true);
    setResult(null);
    try {
      setResult(await sendTestNotification({ type: 'webhook', webhookId: hook.id }));
    } catch (err) {
      setResult({ outcome: 'failed', attempts: 0, reason: errorText(err) });
    } finally {
      setTesting(false);
    }
  }
  async function setEnabled(enabled: boolean) {
    setSwitching(enabled);
    try {
      await updateWebhook(qc, hook, { enabled });
    } catch (err) {
      toast({ tone: 'error', title: `Could not ${enabled ? 'enable' : 'disable'} “${hook.name}”`, body: errorText(err) });
    } finally {
      setSwitching(null);
    }
  }
  async function remove() {
    setDeleting(true);
    try {
      await deleteWebhook(qc, hook.id);
      toast({ tone: 'success', title: `Deleted “${hook.name}”`, body: 'Its URL and secret are erased.' });
    } catch (err) {
      setDeleting(false);
      toast({ tone: 'error', title: `Could not delete “${hook.name}”`, body: errorText(err) });
    }
  }

  return (
    <li className={`hook${hook.enabled ? '' : ' hook--off'}`} data-webhook-id={hook.id} aria-labelledby={`hook-${hook.id}-name`}>
      <div className="hook__main">
        <div className="hook__what">
          <h3 id={`hook-${hook.id}-name`} className="hook__name">{hook.name}</h3>
          <p className="mono small muted hook__origin">{hook.urlOrigin}/…</p>
          <p className="small muted">
            {hook.enabled ? 'Receiving alerts' : hook.disabledReason ? `Switched off: ${hook.disabledReason}` : 'Switched off'} · changed <Timestamp iso={hook.updatedAt} />
          </p>
        </div>
        <div className="hook__actions">
          <Toggle checked={switching ?? hook.enabled} busy={switching !== null} onChange={setEnabled} label={`Webhook “${hook.name}” enabled`} />
          <button type="button" className="button button--secondary button--small" onClick={test} disabled={testing}>
            <Send size={16} /> {testing ? 'Sending…' : 'Send test'}
          </button>
          <button type="button" className="button button--ghost button--small" onClick={() => setEditing(!editing)} aria-expanded={editing}>Edit</button>
          <ConfirmAction label="Delete" confirmLabel="Delete webhook" busyLabel="Deleting…" onConfirm={remove} busy={deleting} icon={<Trash size={16} />} />
        </div>
      </div>
      <div className="hook__result" role="status">{result && <TestOutcome result={result} what="notification" />}</div>
      {editing && <EditForm hook={hook} onDone={() => setEditing(false)} />}
    </li>
  );
}
