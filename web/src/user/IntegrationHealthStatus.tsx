// The dashboard widget: every integration with its health, problems first, filterable by
// status. Reads the live cache, so it changes as checks complete.
import { useMemo, useState } from 'react';
import type { HealthStatus, HealthView } from '../api/types';
import { HealthIndicator } from '../ui/HealthIndicator';
import { ErrorState } from '../ui/ErrorState';
import { LoadingRegion } from '../ui/Skeleton';
import { IntegrationCard, IntegrationCardSkeleton } from './IntegrationCard';
import { useIntegrations } from './queries';

type Filter = 'all' | HealthStatus;
type Sort = 'attention' | 'name' | 'recent';

const severity: Record<HealthStatus, number> = { red: 0, yellow: 1, unknown: 2, green: 3 };
const sorts: Record<Sort, (a: HealthView, b: HealthView) => number> = {
  attention: (a, b) => severity[a.status] - severity[b.status] || a.displayName.localeCompare(b.displayName),
  name: (a, b) => a.displayName.localeCompare(b.displayName),
  recent: (a, b) => (b.lastCheckedAt ?? '').localeCompare(a.lastCheckedAt ?? ''),
};

const filterLabels: Record<Filter, string> = { all: 'All', red: 'Failing', yellow: 'Degraded', green: 'Healthy', unknown: 'Not checked yet' };

export function IntegrationHealthStatus() {
  const { data, error, isPending, refetch } = useIntegrations();
  const [filter, setFilter] = useState<Filter>('all');
  const [sort, setSort] = useState<Sort>('attention');

  const counts = useMemo(() => {
    const c: Record<Filter, number> = { all: 0, red: 0, yellow: 0, green: 0, unknown: 0 };
    for (const v of data ?? []) {
      c.all++;
      c[v.status]++;
    }
    return c;
  }, [data]);
  const shown = useMemo(() => (data ?? []).filter((v) => filter === 'all' || v.status === filter).sort(sorts[sort]), [data, filter, sort]);

  if (isPending) {
    return (
      <LoadingRegion label="Loading your integrations">
        <div className="toolbar toolbar--placeholder" />
        <div className="integration-list">{Array.from({ length: 6 }, (_, i) => <IntegrationCardSkeleton key={i} />)}</div>
      </LoadingRegion>
    );
  }
  if (!data) return <ErrorState title="Could not load your integrations" error={error} onRetry={() => void refetch()} />;
  if (data.length === 0) {
    return (
      <div className="empty-state card">
        <h2>No integrations yet</h2>
        <p>Once your product connects Gmail, Calendar, Slack, an MCP server or any HTTP API, Pulse checks it and shows its health here.</p>
      </div>
    );
  }

  const filters = (['all', 'red', 'yellow', 'green', 'unknown'] as Filter[]).filter((f) => f === 'all' || f === filter || counts[f] > 0);
  return (
    <section aria-labelledby="integrations-heading" className="integration-status">
      <h2 id="integrations-heading" className="visually-hidden">Your integrations</h2>
      <div className="toolbar">
        <fieldset className="filter-chips">
          <legend className="visually-hidden">Show integrations</legend>
          {filters.map((f) => (
            <label key={f} className={`chip chip--${f}`}>
              <input type="radio" name="status-filter" value={f} checked={filter === f} onChange={() => setFilter(f)} />
              {f === 'all' ? <span>All</span> : <HealthIndicator status={f} size="sm" label={filterLabels[f]} />}
              <span className="chip__count tabular">{counts[f]}</span>
            </label>
          ))}
        </fieldset>
        <label className="select-field">
          <span>Sort</span>
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="attention">Problems first</option>
            <option value="name">Name</option>
            <option value="recent">Recently checked</option>
          </select>
        </label>
      </div>
      {error && <ErrorState compact title="Showing the last known state" error={error} onRetry={() => void refetch()} />}
      {shown.length === 0 ? (
        <p className="muted empty-filter">No {filterLabels[filter].toLowerCase()} integrations right now.</p>
      ) : (
        <div className="integration-list">
          {shown.map((v) => <IntegrationCard key={v.integrationId} view={v} />)}
        </div>
      )}
    </section>
  );
}
