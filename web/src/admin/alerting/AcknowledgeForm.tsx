// Taking an alert on: an optional note for whoever looks later, then the acknowledgement,
// which stops its escalation. The answer is only "accepted"; the form waits until the alert
// reads as acknowledged before it says so.
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/http';
import { errorText } from '../../ui/ErrorState';
import { toast } from '../../ui/toasts';
import { acknowledgeAlert } from './alertingApi';
import { CheckMark } from './icons';

export function AcknowledgeForm({ alertId, escalates }: { alertId: string; escalates: boolean }) {
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const seen = await acknowledgeAlert(qc, alertId, note);
      if (!seen) toast({ tone: 'info', title: 'Acknowledgement sent', body: 'It will show here in a moment.' });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 409 ? 'This alert was resolved in the meantime: there is nothing left to acknowledge.'
        : err instanceof ApiError && err.status === 400 ? Object.values(err.fields)[0] ?? err.message : errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="ack-form" onSubmit={submit} aria-labelledby="ack-heading">
      <h2 id="ack-heading" className="ack-form__title">Take this alert on</h2>
      <p className="muted small">{escalates ? 'Acknowledging stops its escalation.' : 'Acknowledging tells the team someone is on it.'} It stays open until the problem is over.</p>
      <div className="ack-form__row">
        <label className="visually-hidden" htmlFor="ack-note">Note (optional)</label>
        <textarea id="ack-note" rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} disabled={busy}
          placeholder="Note (optional): what you are doing about it" aria-describedby={error ? 'ack-error' : undefined} />
        <button type="submit" className="button button--primary" disabled={busy}>
          <CheckMark size={16} /> {busy ? 'Acknowledging…' : 'Acknowledge'}
        </button>
      </div>
      {error && <p id="ack-error" className="field-error" role="alert">{error}</p>}
    </form>
  );
}
