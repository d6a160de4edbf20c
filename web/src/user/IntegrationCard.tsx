// One integration on the dashboard: status, last successful sync, the problem and its fix,
// and the two actions people need (check now, reconnect).
import { Link } from 'wouter';
import type { HealthView } from '../api/types';
import { latency, providerName } from '../lib/format';
import { useChangeFlash } from '../lib/useChangeFlash';
import { HealthIndicator } from '../ui/HealthIndicator';
import { ChevronRight } from '../ui/Icons';
import { ProviderBadge } from '../ui/ProviderBadge';
import { Skeleton } from '../ui/Skeleton';
import { Timestamp } from '../ui/Timestamp';
import { CheckNow } from './CheckNow';
import { ErrorAdvice } from './ErrorAdvice';
import { ReconnectButton } from './ReconnectButton';

export function IntegrationCard({ view }: { view: HealthView }) {
  const changed = useChangeFlash(view.status);
  const titleId = `integration-${view.integrationId}`;
  return (
    <article className={`card integration integration--${view.status}${changed ? ' is-changed' : ''}`} aria-labelledby={titleId}
      data-integration-id={view.integrationId} data-status={view.status}>
      <header className="integration__head">
        <ProviderBadge provider={view.provider} />
        <div className="integration__title">
          <h3 id={titleId}>
            <Link href={`/integrations/${view.integrationId}`} className="integration__name">{view.displayName}</Link>
          </h3>
          <p className="muted small">{providerName(view.provider)}</p>
        </div>
        <HealthIndicator status={view.status} />
      </header>
      <dl className="facts">
        <div>
          <dt>Last successful sync</dt>
          <dd><Timestamp iso={view.lastSuccessAt} empty="not yet" /></dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd className="tabular">{latency(view.latencyMs)}</dd>
        </div>
      </dl>
      {view.error && view.status !== 'green' && <ErrorAdvice error={view.error} status={view.status} />}
      <footer className="integration__actions">
        {view.reauthRequired && <ReconnectButton integrationId={view.integrationId} name={view.displayName} />}
        <CheckNow view={view} />
        <Link href={`/integrations/${view.integrationId}`} className="button button--ghost integration__details" aria-label={`Details and history of ${view.displayName}`}>
          Details <ChevronRight size={16} />
        </Link>
      </footer>
    </article>
  );
}

export function IntegrationCardSkeleton() {
  return (
    <div className="card integration integration--loading" aria-hidden="true">
      <div className="integration__head">
        <Skeleton width={36} height={36} radius={10} />
        <div className="integration__title">
          <Skeleton width="60%" height={18} />
          <Skeleton width="35%" height={12} style={{ marginTop: 8 }} />
        </div>
        <Skeleton width={84} height={26} radius={999} />
      </div>
      <div className="facts">
        <div><Skeleton width="70%" height={12} /><Skeleton width="50%" height={16} style={{ marginTop: 6 }} /></div>
        <div><Skeleton width="50%" height={12} /><Skeleton width="40%" height={16} style={{ marginTop: 6 }} /></div>
      </div>
      <div className="integration__actions">
        <Skeleton width={118} height={38} radius={10} />
        <Skeleton width={90} height={38} radius={10} />
      </div>
    </div>
  );
}
