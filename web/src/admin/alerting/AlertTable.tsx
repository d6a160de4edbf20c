// One page of alerts: severity, what, where, when, state and who took it on.
import { Link } from 'wouter';
import type { Alert } from '../../api/alertTypes';
import { Timestamp } from '../../ui/Timestamp';
import { AlertScope } from './AlertScope';
import { acknowledgerText, resolutionText } from './labels';
import { AlertStatePill, SeverityBadge } from './SeverityBadge';

export function AlertTable({ alerts, refreshing }: { alerts: Alert[]; refreshing: boolean }) {
  return (
    <div className={`table-scroll${refreshing ? ' is-refreshing' : ''}`} role="region" aria-label="Alerts" tabIndex={0}>
      <table className="table alert-table">
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Alert</th>
            <th scope="col">About</th>
            <th scope="col">Opened</th>
            <th scope="col">State</th>
            <th scope="col">Acknowledged</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.alertId} data-alert-id={a.alertId}>
              <td><SeverityBadge severity={a.severity} /></td>
              <th scope="row" className="alert-table__what">
                <Link href={`/alerting/alerts/${encodeURIComponent(a.alertId)}`} className="cell-link">{a.ruleName}</Link>
                <span className="alert-table__summary muted small" title={a.summary}>{a.summary}</span>
              </th>
              <td><AlertScope scope={a.scope} summary={a.summary} /></td>
              <td><Timestamp iso={a.openedAt} clock /></td>
              <td>
                <AlertStatePill alert={a} />
                {a.status === 'resolved' && <span className="muted small alert-table__sub">{resolutionText(a.resolution)}</span>}
                {a.flapping && <span className="muted small alert-table__sub">flapping</span>}
              </td>
              <td className="small">
                {a.acknowledgedBy ? <span className="alert-table__ack">{acknowledgerText(a.acknowledgedBy)}</span>
                  : a.status === 'open' ? <span className="text-yellow">Not yet</span> : <span className="muted">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
