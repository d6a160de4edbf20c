// The backtest as a picture: one row per integration or provider, a bar for each time the
// rule would have been firing (raised → resolved), a tick where it would have escalated.
// Plain HTML bars: a handful of intervals need no chart library.
import type { BacktestTransition } from '../../api/alertTypes';
import { providerName } from '../../lib/format';
import { quotedName } from './labels';

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const hourFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const MAX_ROWS = 8;

interface Interval { start: number; end: number; open: boolean; escalatedAt: number | null; severity: string }
interface Row { key: string; label: string; intervals: Interval[] }

const scopeKey = (t: BacktestTransition) => (t.scope.type === 'integration' ? `i:${t.scope.integrationId}` : `p:${t.scope.provider}`);

function scopeLabel(t: BacktestTransition): string {
  if (t.scope.type === 'provider') return providerName(t.scope.provider);
  const quoted = quotedName(t.summary);
  return quoted ? `${quoted} (${providerName(t.scope.provider)})` : `${providerName(t.scope.provider)} ${t.scope.integrationId.slice(0, 8)}`;
}

export function rowsOf(transitions: BacktestTransition[], to: number): Row[] {
  const byAlert = new Map<string, { t: BacktestTransition; interval: Interval }>();
  for (const t of transitions) {
    let entry = byAlert.get(t.alertId);
    if (!entry) {
      entry = { t, interval: { start: t.openedAt, end: to, open: true, escalatedAt: null, severity: t.severity } };
      byAlert.set(t.alertId, entry);
    }
    if (t.type === 'AlertResolved') Object.assign(entry.interval, { end: t.occurredAt, open: false });
    if (t.type === 'AlertEscalated') entry.interval.escalatedAt = t.occurredAt;
  }
  const rows = new Map<string, Row>();
  for (const { t, interval } of byAlert.values()) {
    const key = scopeKey(t);
    const row = rows.get(key) ?? { key, label: scopeLabel(t), intervals: [] };
    row.intervals.push(interval);
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.intervals.length - a.intervals.length || a.label.localeCompare(b.label));
}

export function BacktestTimeline({ transitions, from, to, label }: { transitions: BacktestTransition[]; from: number; to: number; label: string }) {
  const rows = rowsOf(transitions, to);
  const span = Math.max(1, to - from);
  const at = (t: number) => `${Math.min(100, Math.max(0, ((t - from) / span) * 100))}%`;
  const ticks = Array.from({ length: 5 }, (_, i) => from + (span * i) / 4);
  const fmt = span > 2 * 86_400_000 ? dayFormat : hourFormat;
  const shown = rows.slice(0, MAX_ROWS);
  return (
    <figure className="bt-timeline" role="img" aria-label={label}>
      {shown.map((r) => (
        <div key={r.key} className="bt-timeline__row">
          <span className="bt-timeline__label" title={r.label}>{r.label}</span>
          <span className="bt-timeline__track">
            {r.intervals.map((i, n) => (
              <span key={n} className={`bt-timeline__bar bt-timeline__bar--${i.severity}${i.open ? ' bt-timeline__bar--open' : ''}`}
                style={{ left: at(i.start), width: `max(4px, calc(${at(i.end)} - ${at(i.start)}))` }}>
                {i.escalatedAt && <span className="bt-timeline__esc" style={{ left: `${((i.escalatedAt - i.start) / Math.max(1, i.end - i.start)) * 100}%` }} />}
              </span>
            ))}
          </span>
        </div>
      ))}
      {rows.length > MAX_ROWS && <p className="muted small bt-timeline__more">and {rows.length - MAX_ROWS} more</p>}
      <div className="bt-timeline__axis" aria-hidden="true">
        <span />
        <span className="bt-timeline__ticks">
          {ticks.map((t, i) => <span key={i} style={{ left: at(t) }}>{fmt.format(t)}</span>)}
        </span>
      </div>
    </figure>
  );
}
