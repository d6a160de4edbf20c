// What an alert is about: one integration (by the name its summary quotes, linked to its admin
// page) or a whole provider.
import { Link } from 'wouter';
import type { Alert } from '../../api/alertTypes';
import { providerName } from '../../lib/format';
import { ProviderBadge } from '../../ui/ProviderBadge';
import { quotedName } from './labels';

export function AlertScope({ scope, summary }: { scope: Alert['scope']; summary: string }) {
  const id = scope.type === 'integration' ? scope.integrationId : null;
  return (
    <span className="alert-scope">
      <ProviderBadge provider={scope.provider} size={24} />
      {id ? (
        <span className="alert-scope__text">
          <Link href={`/integrations/${id}`} title={`Integration ${id}`}>{quotedName(summary) ?? `${id.slice(0, 8)}…`}</Link>
          <span className="small muted">{providerName(scope.provider)}</span>
        </span>
      ) : (
        <span className="alert-scope__text"><span>{providerName(scope.provider)}</span><span className="small muted">whole provider</span></span>
      )}
    </span>
  );
}
