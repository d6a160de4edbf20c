// Severity and alert state, each as icon + word + colour (never colour alone, like HealthIndicator).
import type { Alert, Severity } from '../../api/alertTypes';
import { CheckCircle, WarningTriangle, XOctagon } from '../../ui/Icons';
import { Bell } from './icons';

export function SeverityBadge({ severity, size = 'sm' }: { severity: Severity | string; size?: 'sm' | 'md' }) {
  const critical = severity === 'critical';
  const Icon = critical ? XOctagon : WarningTriangle;
  return (
    <span className={`severity severity--${critical ? 'critical' : 'warning'} severity--${size}`} data-severity={severity}>
      <Icon size={size === 'md' ? 16 : 14} strokeWidth={2.2} />
      {critical ? 'Critical' : 'Warning'}
    </span>
  );
}

export function AlertStatePill({ alert }: { alert: Pick<Alert, 'status' | 'escalatedAt' | 'acknowledgedAt'> }) {
  if (alert.status === 'resolved') return <span className="alert-state alert-state--resolved"><CheckCircle size={14} />Resolved</span>;
  return (
    <span className="alert-state alert-state--open">
      <Bell size={14} />
      {alert.escalatedAt && !alert.acknowledgedAt ? 'Open, escalated' : 'Open'}
    </span>
  );
}
