// Shown while an integration needs the user to sign in to the provider again.
import { useState } from 'react';
import { ApiError } from '../api/http';
import { Link as LinkIcon } from '../ui/Icons';
import { toast } from '../ui/toasts';
import { startReconnect } from './reconnect';

export function ReconnectButton({ integrationId, name }: { integrationId: string; name: string }) {
  const [busy, setBusy] = useState(false);
  async function reconnect() {
    setBusy(true);
    try {
      if ((await startReconnect(integrationId)) === 'not-needed') {
        toast({ tone: 'info', title: `${name} no longer needs reconnecting` });
        setBusy(false);
      }
    } catch (err) {
      toast({ tone: 'error', title: `Could not start reconnecting ${name}`, body: err instanceof ApiError ? err.message : undefined });
      setBusy(false);
    }
  }
  return (
    <button type="button" className="button button--primary" onClick={reconnect} disabled={busy}>
      <LinkIcon size={16} />
      {busy ? 'Opening sign-in…' : 'Reconnect'}
    </button>
  );
}
