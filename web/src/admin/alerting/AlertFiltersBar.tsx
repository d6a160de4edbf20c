// The history's filters, one per API filter; a change applies at once.
import { alertProviders } from '../../api/alertTypes';
import { providerName } from '../../lib/format';
import { useRuleKinds, type AlertFilters } from './alertingApi';
import { kindGroups } from './ruleKinds';

export function AlertFiltersBar({ filters, onChange }: { filters: AlertFilters; onChange: (f: AlertFilters) => void }) {
  const set = (patch: Partial<AlertFilters>) => onChange({ ...filters, ...patch });
  const kinds = kindGroups(useRuleKinds().data ?? []).flatMap((g) => g.kinds);
  return (
    <div className="toolbar toolbar--compact alert-filters" role="group" aria-label="Filter alerts">
      <label className="select-field">
        <span>Status</span>
        <select value={filters.status} onChange={(e) => set({ status: e.target.value as AlertFilters['status'] })}>
          <option value="">Any status</option>
          <option value="open">Open</option>
          <option value="resolved">Resolved</option>
        </select>
      </label>
      <label className="select-field">
        <span>Severity</span>
        <select value={filters.severity} onChange={(e) => set({ severity: e.target.value as AlertFilters['severity'] })}>
          <option value="">Any severity</option>
          <option value="critical">Critical</option>
          <option value="warning">Warning</option>
        </select>
      </label>
      <label className="select-field">
        <span>Provider</span>
        <select value={filters.provider} onChange={(e) => set({ provider: e.target.value })}>
          <option value="">Any provider</option>
          {alertProviders.map((p) => <option key={p} value={p}>{providerName(p)}</option>)}
        </select>
      </label>
      <label className="select-field">
        <span>Rule kind</span>
        <select value={filters.ruleKind} onChange={(e) => set({ ruleKind: e.target.value })}>
          <option value="">Any kind</option>
          {kinds.map((k) => <option key={k.id} value={k.id}>{k.label}</option>)}
        </select>
      </label>
      <label className="select-field">
        <span>Acknowledged</span>
        <select value={filters.acknowledged} onChange={(e) => set({ acknowledged: e.target.value as AlertFilters['acknowledged'] })}>
          <option value="">Either</option>
          <option value="true">Acknowledged</option>
          <option value="false">Not acknowledged</option>
        </select>
      </label>
    </div>
  );
}
