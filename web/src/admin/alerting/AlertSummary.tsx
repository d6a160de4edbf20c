// The section's glance: open alerts by severity, how many nobody has taken on, and what is
// muted. Picking a figure filters the history below to it.
import { Link } from 'wouter';
import { Skeleton } from '../../ui/Skeleton';
import { useOpenAlerts, useSuppressions, type AlertFilters } from './alertingApi';

function Figure({ label, value, hint, tone, onPick, pressed }: {
  label: string; value: string; hint: string; tone?: 'bad' | 'warn' | 'good'; onPick: () => void; pressed: boolean;
}) {
  return (
    <button type="button" className={`card metric alert-figure${pressed ? ' alert-figure--on' : ''}`} onClick={onPick} aria-pressed={pressed}>
      <span className="metric__label">{label}</span>
      <span className={`metric__value tabular${tone ? ` alert-figure__value--${tone}` : ''}`}>{value}</span>
      <span className="metric__hint muted small">{hint}</span>
    </button>
  );
}

export function AlertSummary({ filters, onPick }: { filters: AlertFilters; onPick: (f: Partial<AlertFilters>) => void }) {
  const open = useOpenAlerts();
  const muted = useSuppressions();
  if (!open.data) {
    return (
      <div className="alert-summary" aria-busy="true">
        <span className="visually-hidden" role="status">Loading open alerts</span>
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="card metric"><Skeleton width="55%" height={12} /><Skeleton width="35%" height={30} style={{ marginTop: 10 }} /><Skeleton width="65%" height={12} style={{ marginTop: 10 }} /></div>
        ))}
      </div>
    );
  }
  const alerts = open.data.alerts;
  const more = open.data.nextBefore ? '+' : '';
  const of = (severity: string) => alerts.filter((a) => a.severity === severity);
  const critical = of('critical');
  const warning = of('warning');
  const unacked = alerts.filter((a) => !a.acknowledgedAt);
  const escalated = unacked.filter((a) => a.escalatedAt).length;
  const active = muted.data?.suppressions.filter((s) => s.active).length;
  const planned = muted.data?.suppressions.filter((s) => !s.active).length ?? 0;
  const is = (f: Partial<AlertFilters>) => Object.entries(f).every(([k, v]) => filters[k as keyof AlertFilters] === v)
    && Object.entries(filters).every(([k, v]) => v === '' || (f as Record<string, string>)[k] === v);
  const unackedOf = (list: typeof alerts) => list.filter((a) => !a.acknowledgedAt).length;
  return (
    <div className="alert-summary">
      <Figure label="Open, critical" value={`${critical.length}${more}`} tone={critical.length ? 'bad' : 'good'}
        hint={critical.length ? `${unackedOf(critical)} not acknowledged` : 'nothing critical'}
        pressed={is({ status: 'open', severity: 'critical' })} onPick={() => onPick({ status: 'open', severity: 'critical' })} />
      <Figure label="Open, warning" value={`${warning.length}${more}`} tone={warning.length ? 'warn' : undefined}
        hint={warning.length ? `${unackedOf(warning)} not acknowledged` : 'no warnings'}
        pressed={is({ status: 'open', severity: 'warning' })} onPick={() => onPick({ status: 'open', severity: 'warning' })} />
      <Figure label="Waiting for someone" value={`${unacked.length}${more}`}
        hint={escalated ? `${escalated} already escalated` : unacked.length ? 'open and not acknowledged' : 'every open alert is taken'}
        pressed={is({ status: 'open', acknowledged: 'false' })} onPick={() => onPick({ status: 'open', acknowledged: 'false' })} />
      <Link href="/alerting/suppressions" className="card metric alert-figure">
        <span className="metric__label">Muted now</span>
        <span className="metric__value tabular">{active ?? '–'}</span>
        <span className="metric__hint muted small">{planned ? `${planned} planned` : 'suppressions & maintenance'}</span>
      </Link>
    </div>
  );
}

