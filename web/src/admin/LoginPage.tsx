// /admin/login: email and password, nothing else. Wrong credentials and rate limits are
// explained; a countdown replaces a disabled button nobody understands.
import { useEffect, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useLocation, useSearch } from 'wouter';
import { ApiError } from '../api/http';
import { useCountdown } from '../lib/useCountdown';
import { PulseMark } from '../ui/Icons';
import { adminLogin, currentAdmin } from './adminApi';

export function LoginPage() {
  const [, navigate] = useLocation();
  const params = new URLSearchParams(useSearch());
  const next = params.get('next');
  const reason = params.get('reason');
  // After a reload the cookie may still be valid: pre-fill who it belongs to.
  const known = useQuery({ queryKey: ['admin', 'whoami'], queryFn: currentAdmin, staleTime: Infinity, retry: false });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const wait = useCountdown(retryAt);

  useEffect(() => {
    document.title = 'Sign in · Pulse admin';
  }, []);
  useEffect(() => {
    if (known.data && !email) setEmail(known.data);
  }, [known.data]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await adminLogin(email, password);
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      setPassword('');
      if (err instanceof ApiError && err.status === 429) {
        setRetryAt(Date.now() + (err.retryAfter ?? 60) * 1000);
        setError('Too many failed attempts. For your security, sign-in is paused for a while.');
      } else if (err instanceof ApiError && err.status === 401) {
        setError('Wrong email or password.');
      } else if (err instanceof ApiError && err.status === 400) {
        setError('Enter your email and password.');
      } else {
        setError('Could not reach Pulse. Check your connection and try again.');
      }
    } finally {
      setBusy(false);
    }
  }

  const notice = reason === 'ended' ? 'Your session ended. Sign in again to continue.'
    : known.data ? 'For your security, sign in again after reloading the portal.' : null;

  return (
    <main id="main" className="signin admin-login">
      <form className="signin__card card" onSubmit={submit} aria-describedby={error ? 'login-error' : undefined} noValidate>
        <PulseMark size={40} />
        <h1>Pulse admin</h1>
        <p className="muted">Sign in to monitor every integration, provider and the platform itself.</p>
        {notice && !error && <p className="notice" role="status">{notice}</p>}
        {error && (
          <p id="login-error" className="field-error field-error--block" role="alert">
            {error}{wait > 0 ? ` Try again in ${wait} s.` : ''}
          </p>
        )}
        <div className="field">
          <label htmlFor="admin-email">Email</label>
          <input id="admin-email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus={!known.data} />
        </div>
        <div className="field">
          <label htmlFor="admin-password">Password</label>
          <input id="admin-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus={!!known.data} />
        </div>
        <button type="submit" className="button button--primary button--block" disabled={busy || wait > 0 || !email || !password}>
          {busy ? 'Signing in…' : wait > 0 ? `Try again in ${wait} s` : 'Sign in'}
        </button>
        <p className="muted small">Admin accounts are created by operators: <code>npm run pulse -- admin create &lt;email&gt;</code></p>
      </form>
    </main>
  );
}
