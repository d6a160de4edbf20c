// One integration on the dashboard, as a row: status, last successful sync, the problem and
// its fix, and the two actions people need (check now, reconnect). On a phone the row
// stacks into a card.
import { Link } from 'wouter';
import type { HealthView } from '../api/types';
import { latency, providerName } from '../lib/format';
import { useChangeFlash } from '../lib/useChangeFlash';
import { HealthIndicator } from '../ui/HealthIndicator';
import { ChevronRight } from '../ui/Icons';
import { ProviderBadge } from '../ui/ProviderBadge';
import { Skeleton } from '../ui/Skeleton';
import { Timestamp } from '../ui/Timestamp';
import { CheckNowButton, CheckResult } from './CheckNow';
import { ErrorAdvice } from './ErrorAdvice';
import { ReconnectButton } from './ReconnectButton';
import { useCheckNow } from './useCheckNow';

export function IntegrationCard({ view }: { view: HealthView }) {
  const changed = useChangeFlash(view.status);
  const check = useCheckNow(view);
  const titleId = `integration-${view.integrationId}`;
  return (
    <article className={`card integration integration--${view.status}${changed ? ' is-changed' : ''}`} aria-labelledby={titleId}
      data-integration-id={view.integrationId} data-status={view.status}>
      <div className="integration__title">
        <ProviderBadge provider={view.provider} />
        <div>
          <h3 id={titleId}>
            <Link href={`/integrations/${view.integrationId}`} className="integration__name">{view.displayName}</Link>
          </h3>
          <p className="muted small">{providerName(view.provider)}</p>
        </div>
      </div>
      <div className="integration__status"><HealthIndicator status={view.status} /></div>
      <dl className="facts integration__facts">
        <div>
          <dt>Last successful sync</dt>
          <dd><Timestamp iso={view.lastSuccessAt} empty="not yet" /></dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd className="tabular">{latency(view.latencyMs)}</dd>
        </div>
      </dl>
      <div className="integration__actions">
        {view.reauthRequired && <ReconnectButton integrationId={view.integrationId} name={view.displayName} />}
        <CheckNowButton check={check} view={view} />
        <Link href={`/integrations/${view.integrationId}`} className="button button--ghost integration__details" aria-label={`Details and history of ${view.displayName}`}>
          Details <ChevronRight size={16} />
        </Link>
      </div>
      {view.error && view.status !== 'green' && <div className="integration__advice"><ErrorAdvice error={view.error} status={view.status} /></div>}
      <CheckResult check={check} view={view} />
    </article>
  );
}

export function IntegrationCardSkeleton() {
  return (
    <div className="card integration integration--loading" aria-hidden="true">
      <div className="integration__title">
        <Skeleton width={36} height={36} radius={10} />
        <div style={{ flex: 1 }}>
          <Skeleton width="60%" height={18} />
          <Skeleton width="35%" height={12} style={{ marginTop: 6 }} />
        </div>
      </div>
      <div className="integration__status"><Skeleton width={84} height={26} radius={999} /></div>
      <div className="facts integration__facts">
        <div><Skeleton width="80%" height={12} /><Skeleton width="50%" height={16} style={{ marginTop: 6 }} /></div>
        <div><Skeleton width="60%" height={12} /><Skeleton width="50%" height={16} style={{ marginTop: 6 }} /></div>
      </div>
      <div className="integration__actions">
        <Skeleton width={118} height={38} radius={10} />
        <Skeleton width={90} height={38} radius={10} />
      </div>
    </div>
  );
}
