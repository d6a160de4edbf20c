// Is mail getting out? A clearly labelled test alert to the addresses given, and what the
// mail server said (in Pulse's words).
import { useState, type FormEvent } from 'react';
import type { TestResult } from '../../api/alertTypes';
import { ApiError } from '../../api/http';
import { ErrorState } from '../../ui/ErrorState';
import { sendTestNotification } from './alertingApi';
import { Field } from './Field';
import { Send } from './icons';
import { humanizeMessage } from './labels';
import { splitEmails } from './ruleDraft';
import { TestOutcome } from './TestOutcome';

export function TestEmail() {
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [failure, setFailure] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const list = splitEmails(to);
    setBusy(true);
    setResult(null);
    setError(undefined);
    setFailure(null);
    try {
      setResult(await sendTestNotification({ type: 'email', to: list }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const [key, message] = Object.entries(err.fields)[0] ?? ['', err.message];
        const index = /\.to\.(\d+)$/.exec(key)?.[1];
        setError(index !== undefined ? `“${list[Number(index)]}”: ${humanizeMessage(message).toLowerCase()}` : humanizeMessage(message));
      } else setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card section" aria-labelledby="test-email-heading">
      <h2 id="test-email-heading" className="section__title">Test email delivery</h2>
      <p className="muted small">Sends a test alert through the configured mail server (SMTP). It says it is a test; nothing is wrong.</p>
      <form className="webhook-form" onSubmit={submit} noValidate>
        <Field id="test-email-to" label="Send to" error={error} className="webhook-form__grow">
          {(a) => <input {...a} type="text" inputMode="email" value={to} onChange={(e) => setTo(e.target.value)} placeholder="you@example.com" autoComplete="email" />}
        </Field>
        <button type="submit" className="button button--secondary webhook-form__submit" disabled={busy || !to.trim()}>
          <Send size={16} /> {busy ? 'Sending…' : 'Send test email'}
        </button>
      </form>
      <div role="status">{result && <TestOutcome result={result} what="email" />}</div>
      {failure !== null && <ErrorState compact title="Could not send the test" error={failure} />}
    </section>
  );
}
