// /admin/accounts: who can sign in to the portal. Admins with the right to manage admins list,
// add, disable/enable, grant/revoke and delete accounts; others see why they cannot. Disabling
// or deleting ends that admin's sessions at once (server side). The last admin who can manage
// admins cannot be removed: the server refuses with 409 and the message says what to do.
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http';
import type { AdminAccount } from '../api/types';
import { ErrorState } from '../ui/ErrorState';
import { Skeleton } from '../ui/Skeleton';
import { Timestamp } from '../ui/Timestamp';
import { toast } from '../ui/toasts';
import { ConfirmAction } from './alerting/ConfirmAction';
import { adminGet, adminWrite } from './adminApi';

const key = ['admin', 'accounts'] as const;

function messageOf(err: unknown): string {
  if (err instanceof ApiError) return Object.values(err.fields)[0] ? `${Object.keys(err.fields)[0]} ${Object.values(err.fields)[0]}` : err.message;
  return (err as Error).message;
}

function NewAccount() {
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [manage, setManage] = useState(false);
  const create = useMutation({
    mutationFn: () => adminWrite<AdminAccount>('POST', '/api/admin/accounts', { email, password, canManageAdmins: manage }),
    onSuccess: (a) => {
      toast({ tone: 'success', title: `Admin ${a.email} added`, body: 'Give them the password through a channel of its own.' });
      setEmail('');
      setPassword('');
      setManage(false);
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const fields = create.error instanceof ApiError ? create.error.fields : {};
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  return (
    <form className="account-form" onSubmit={submit} aria-labelledby="new-account-heading">
      <h2 id="new-account-heading" className="subheading">Add an admin</h2>
      <div className="toolbar toolbar--compact">
        <label className="select-field select-field--grow">
          <span>Email</span>
          <input type="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} aria-invalid={Boolean(fields.email)} />
        </label>
        <label className="select-field select-field--grow">
          <span>Initial password</span>
          <input type="password" required minLength={12} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} aria-invalid={Boolean(fields.password)} />
        </label>
        <label className="checkbox-field">
          <input type="checkbox" checked={manage} onChange={(e) => setManage(e.target.checked)} />
          <span>May manage admins</span>
        </label>
        <button type="submit" className="button button--primary button--small" disabled={create.isPending}>{create.isPending ? 'Adding…' : 'Add admin'}</button>
      </div>
      {create.error && <p className="field-error" role="alert">{create.error instanceof ApiError && create.error.status === 409 ? 'An admin with this email already exists.' : messageOf(create.error)}</p>}
    </form>
  );
}

function AccountRow({ a }: { a: AdminAccount }) {
  const qc = useQueryClient();
  const done = () => void qc.invalidateQueries({ queryKey: key });
  const change = useMutation({
    mutationFn: (body: { disabled?: boolean; canManageAdmins?: boolean }) => adminWrite<AdminAccount>('PATCH', `/api/admin/accounts/${a.id}`, body),
    onSuccess: done,
    onError: (err) => toast({ tone: 'error', title: `Could not change ${a.email}`, body: messageOf(err) }),
  });
  const remove = useMutation({
    mutationFn: () => adminWrite<void>('DELETE', `/api/admin/accounts/${a.id}`),
    onSuccess: () => {
      toast({ tone: 'success', title: `Admin ${a.email} deleted`, body: 'Their sessions have ended.' });
      done();
    },
    onError: (err) => toast({ tone: 'error', title: `Could not delete ${a.email}`, body: messageOf(err) }),
  });
  const busy = change.isPending || remove.isPending;
  return (
    <tr className={a.disabled ? 'is-disabled' : undefined}>
      <td>
        <span className="small">{a.email}</span>
        {a.you && <span className="pill pill--running account-you">you</span>}
      </td>
      <td className="small"><Timestamp iso={a.createdAt} /></td>
      <td className="small">{a.lastLoginAt ? <Timestamp iso={a.lastLoginAt} /> : <span className="muted">never</span>}</td>
      <td>{a.disabled ? <span className="pill pill--denied">disabled</span> : <span className="pill pill--success">active</span>}</td>
      <td className="small">{a.canManageAdmins ? 'Manages admins' : <span className="muted">—</span>}</td>
      <td className="account-actions">
        <button type="button" className="button button--ghost button--small" disabled={busy} onClick={() => change.mutate({ canManageAdmins: !a.canManageAdmins })}>
          {a.canManageAdmins ? 'Revoke right' : 'Grant right'}
        </button>
        {a.disabled ? (
          <button type="button" className="button button--secondary button--small" disabled={busy} onClick={() => change.mutate({ disabled: false })}>Enable</button>
        ) : (
          <ConfirmAction label="Disable" confirmLabel={`Disable ${a.you ? 'yourself' : 'admin'}`} question={a.you ? 'You will be signed out.' : 'Their sessions end now.'}
            busyLabel="Disabling…" busy={change.isPending} onConfirm={() => change.mutate({ disabled: true })} />
        )}
        <ConfirmAction label="Delete" confirmLabel="Delete for good" question={<>Delete <strong>{a.email}</strong>?</>} busyLabel="Deleting…" busy={remove.isPending} onConfirm={() => remove.mutate()} />
      </td>
    </tr>
  );
}

export function AdminAccountsPage() {
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => adminGet<{ accounts: AdminAccount[] }>('/api/admin/accounts', signal),
    retry: (n, err) => !(err instanceof ApiError && err.status === 403) && n < 2,
  });
  useEffect(() => {
    document.title = 'Admin accounts · Pulse admin';
  }, []);
  const forbidden = q.error instanceof ApiError && q.error.status === 403;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Admin accounts</h1>
          <p className="page-head__lede muted">Who can sign in to this portal. Disabling or deleting an admin ends their sessions at once; every change is in the audit log.</p>
        </div>
      </div>
      <section className="card section" aria-labelledby="accounts-heading">
        <h2 id="accounts-heading" className="visually-hidden">Accounts</h2>
        {forbidden ? (
          <div className="empty-state">
            <p><strong>You cannot manage admin accounts.</strong></p>
            <p className="muted small">An admin who may manage admins can give you the right, or use <code className="code-chip">pulse admin grant &lt;email&gt;</code>.</p>
          </div>
        ) : q.error && !q.data ? (
          <ErrorState title="Could not load admin accounts" error={q.error} onRetry={() => void q.refetch()} />
        ) : !q.data ? (
          <div aria-busy="true" className="table-skeleton">
            <span className="visually-hidden" role="status">Loading admin accounts</span>
            {Array.from({ length: 4 }, (_, i) => <Skeleton key={i} height={20} style={{ margin: '14px 0' }} />)}
          </div>
        ) : (
          <>
            <div className="table-scroll" role="region" aria-label="Admin accounts" tabIndex={0}>
              <table className="table accounts-table">
                <thead>
                  <tr>
                    <th scope="col">Email</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last sign-in</th>
                    <th scope="col">Status</th>
                    <th scope="col">Rights</th>
                    <th scope="col"><span className="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>{q.data.accounts.map((a) => <AccountRow key={a.id} a={a} />)}</tbody>
              </table>
            </div>
            <NewAccount />
          </>
        )}
      </section>
    </>
  );
}
