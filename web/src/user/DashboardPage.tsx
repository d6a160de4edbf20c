// "/": a one-line verdict for everything, any provider incident behind it, then the
// IntegrationHealthStatus widget.
import { useEffect } from 'react';
import { useIntegrations } from './queries';
import { IncidentBanner } from './IncidentBanner';
import { IntegrationHealthStatus } from './IntegrationHealthStatus';
import { Skeleton } from '../ui/Skeleton';

function Verdict() {
  const { data } = useIntegrations();
  if (!data) return <Skeleton width={320} height={22} />;
  const failing = data.filter((v) => v.status === 'red').length;
  const degraded = data.filter((v) => v.status === 'yellow').length;
  if (!data.length) return <span>Nothing to watch yet.</span>;
  if (failing) return <span><strong className="text-red">{failing} of {data.length}</strong> {failing === 1 ? 'integration needs' : 'integrations need'} your attention.</span>;
  if (degraded) return <span>Everything works; <strong className="text-yellow">{degraded}</strong> {degraded === 1 ? 'is' : 'are'} running below par.</span>;
  return <span><strong className="text-green">All {data.length} integrations</strong> are working.</span>;
}

export function DashboardPage() {
  useEffect(() => {
    document.title = 'Integrations · Pulse';
  }, []);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Integrations</h1>
          <p className="page-head__lede"><Verdict /></p>
        </div>
      </div>
      <IncidentBanner />
      <IntegrationHealthStatus />
    </>
  );
}
