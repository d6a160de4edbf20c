// Shown without a usable token: Pulse is opened from the host product with a sign-in link.
// Explains how to get one, and accepts a pasted token for local development.
import { useState, type FormEvent } from 'react';
import { adoptToken, type SignedOutReason } from './userToken';
import { PulseMark } from '../ui/Icons';

export function SignInHelp({ reason }: { reason: SignedOutReason }) {
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);
  function submit(e: FormEvent) {
    e.preventDefault();
    setInvalid(!adoptToken(value));
  }
  return (
    <main id="main" className="signin">
      <div className="signin__card card">
        <PulseMark size={40} />
        <h1>{reason === 'expired' ? 'Your sign-in link has expired' : 'Open Pulse from your product'}</h1>
        <p>
          Pulse shows the health of your connected integrations. It opens from a sign-in link that your product gives you;
          {reason === 'expired' ? ' that link is no longer valid, so ask your product for a fresh one.' : ' open that link and you will land right here.'}
        </p>
        <details className="signin__dev">
          <summary>Running Pulse yourself?</summary>
          <p>Create a token for a user and open the dashboard with it:</p>
          <pre><code>npm run pulse -- token &lt;userId&gt;</code></pre>
          <p>then visit <code>{location.origin}/#token=&lt;token&gt;</code>, or paste the token here. <code>npm start</code> prints a ready-made link for its demo user.</p>
          <form onSubmit={submit} className="signin__form">
            <label htmlFor="token-input">Token</label>
            <div className="signin__row">
              <input id="token-input" type="password" autoComplete="off" spellCheck={false} value={value}
                onChange={(e) => setValue(e.target.value)} aria-invalid={invalid} aria-describedby={invalid ? 'token-error' : undefined} required />
              <button type="submit" className="button button--primary">Open dashboard</button>
            </div>
            {invalid && <p id="token-error" className="field-error" role="alert">That does not look like a valid, unexpired token.</p>}
          </form>
        </details>
        <p className="muted small">Administrators: <a href="/admin/login">sign in to the admin portal</a>.</p>
      </div>
    </main>
  );
}
