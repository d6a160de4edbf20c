// The OAuth callback lands on /integrations/<id>?reconnected=1 (or ?connected=1, or
// ?oauthError=…). Say what happened, drop the query from the address bar, and go back to
// the page the reconnect started from.
import { useEffect } from 'react';
import { useLocation, useSearch } from 'wouter';
import { toast } from '../ui/toasts';
import { useIntegrations } from './queries';
import { takeReturnPath } from './reconnect';

const oauthErrors: Record<string, string> = {
  access_denied: 'Access was not granted on the sign-in page.',
  exchange_failed: 'The provider did not confirm the sign-in. Please try again.',
  no_code: 'The provider sent no confirmation. Please try again.',
  quota_exceeded: 'You have the most integrations allowed. Disconnect one to add another.',
};

// Handled once even if the effect runs twice (React's development double-invoke).
let handled = '';

export function useOAuthReturn() {
  const [location, navigate] = useLocation();
  const search = useSearch();
  // Wait for the list, so the message can name the integration.
  const { data, isError } = useIntegrations();
  const ready = data !== undefined || isError;
  useEffect(() => {
    const params = new URLSearchParams(search);
    const id = /^\/integrations\/([^/]+)$/.exec(location)?.[1];
    const outcome = params.has('reconnected') ? 'reconnected' : params.has('connected') ? 'connected' : params.has('oauthError') ? 'error' : null;
    if (!id || !outcome || !ready || handled === `${location}?${search}`) return;
    handled = `${location}?${search}`;
    const name = data?.find((v) => v.integrationId === id)?.displayName ?? 'The integration';
    if (outcome === 'error') {
      const code = params.get('oauthError') ?? '';
      toast({ tone: 'error', title: `${name} was not reconnected`, body: oauthErrors[code] ?? 'The sign-in did not complete. Please try again.' });
    } else {
      toast({ tone: 'success', title: `${name} ${outcome === 'connected' ? 'is connected' : 'is reconnected'}`, body: 'Pulse is checking it now; the status updates here in a moment.' });
    }
    navigate(takeReturnPath(id) ?? location, { replace: true });
  }, [location, search, navigate, ready]);
}
