// The portal's Alerting section (lazy: its own chunk and stylesheet). Paths are relative to
// /admin, like AdminApp's; AdminApp hands every /alerting/* location here.
import { useEffect } from 'react';
import { Link, Route, Switch } from 'wouter';
import '../../styles/alerting.css';
import { AlertDetailPage } from './AlertDetailPage';
import { AlertsPage } from './AlertsPage';
import { RuleEditorPage } from './RuleEditorPage';
import { RulesPage } from './RulesPage';
import { SuppressionsPage } from './SuppressionsPage';
import { WebhooksPage } from './WebhooksPage';

function NotFound() {
  useEffect(() => {
    document.title = 'Not found · Pulse admin';
  }, []);
  return (
    <div className="empty-state card">
      <h1>Page not found</h1>
      <Link href="/alerting" className="button button--primary">Go to alerts</Link>
    </div>
  );
}

export default function AlertingSection() {
  return (
    <Switch>
      <Route path="/alerting"><AlertsPage /></Route>
      <Route path="/alerting/alerts/:id">{(p) => <AlertDetailPage key={p.id} id={decodeURIComponent(p.id)} />}</Route>
      <Route path="/alerting/rules"><RulesPage /></Route>
      <Route path="/alerting/rules/new"><RuleEditorPage /></Route>
      <Route path="/alerting/rules/:id">{(p) => <RuleEditorPage key={p.id} id={decodeURIComponent(p.id)} />}</Route>
      <Route path="/alerting/webhooks"><WebhooksPage /></Route>
      <Route path="/alerting/suppressions"><SuppressionsPage /></Route>
      <Route><NotFound /></Route>
    </Switch>
  );
}
