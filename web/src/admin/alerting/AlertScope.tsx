// What an alert is about: one integration (linked to its admin page) or a whole provider.
import { Link } from 'wouter';
import type { Alert } from '../../api/alertTypes';
import { providerName } from '../../lib/format';
import { ProviderBadge } from '../../ui/ProviderBadge';

export function AlertScope({ scope }: { scope: Alert['scope'] }) {
  return (
    <span className="alert-scope">
      <ProviderBadge provider={scope.provider} size={24} />
      {scope.type === 'integration' && scope.integrationId ? (
        <span className="alert-scope__text">
          <span>{providerName(scope.provider)}</span>
          <Link href={`/integrations/${scope.integrationId}`} className="small mono" title={scope.integrationId}>{scope.integrationId.slice(0, 8)}…</Link>
        </span>
      ) : (
        <span className="alert-scope__text"><span>{providerName(scope.provider)}</span><span className="small muted">whole provider</span></span>
      )}
    </span>
  );
}
