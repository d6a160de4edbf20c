// Adding a webhook: a name and the URL to POST to. The answer carries the signing secret once;
// it goes straight to SecretReveal and nowhere else.
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/http';
import { ErrorState } from '../../ui/ErrorState';
import { createWebhook } from './alertingApi';
import { Field } from './Field';
import { Plus } from './icons';
import { humanizeMessage } from './labels';
import { SecretReveal } from './SecretReveal';

export function NewWebhook() {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      const hook = await createWebhook(qc, name, url);
      setCreated({ name: hook.name, secret: hook.secret });
      setName('');
      setUrl('');
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const fields = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, humanizeMessage(v)]));
        setErrors(Object.keys(fields).length ? fields : { url: humanizeMessage(err.message) });
        document.getElementById(fields.name ? 'webhook-name' : 'webhook-url')?.focus();
      } else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card section" aria-labelledby="new-webhook-heading">
      <h2 id="new-webhook-heading" className="section__title">Add a webhook</h2>
      {created ? (
        <SecretReveal name={created.name} secret={created.secret} onDone={() => setCreated(null)} />
      ) : (
        <form className="webhook-form" onSubmit={submit} noValidate>
          <Field id="webhook-name" label="Name" error={errors.name}>
            {(a) => <input {...a} type="text" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} placeholder="e.g. Ops on-call" />}
          </Field>
          <Field id="webhook-url" label="URL" error={errors.url} hint="http(s) only, no user:password. Private addresses only if the operator opened them (EGRESS_ALLOW).">
            {(a) => <input {...a} type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.example.com/pulse" spellCheck={false} />}
          </Field>
          <button type="submit" className="button button--primary webhook-form__submit" disabled={busy}>
            <Plus size={16} /> {busy ? 'Adding…' : 'Add webhook'}
          </button>
          {failure !== null && <ErrorState compact title="Could not add the webhook" error={failure} />}
        </form>
      )}
    </section>
  );
}
