// The admin portal (lazy-loaded at /admin; routes below are relative to it). Everything but
// /login needs a signed-in admin; a lost session sends the admin back to /login and returns
// them to where they were.
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import '../styles/admin.css';
import { AdminLayout } from './AdminLayout';
import { AdminIntegrationPage } from './AdminIntegrationPage';
import { AdminAccountsPage } from './AdminAccountsPage';
import { AuditLogPage } from './AuditLogPage';
import { LoginPage } from './LoginPage';
import { MonitoringPage } from './MonitoringPage';
import { Skeleton } from '../ui/Skeleton';
import { OperationsPage } from './OperationsPage';
import { adminSessionExpired } from './adminApi';
import { useAdminSession } from './useAdminSession';

// Alerting is its own chunk: most visits to the portal are about health, not rules.
const AlertingSection = lazy(() => import('./alerting/AlertingSection'));

function SectionLoading() {
  return (
    <div aria-busy="true">
      <span className="visually-hidden" role="status">Loading</span>
      <Skeleton width={220} height={34} style={{ margin: '8px 0 20px' }} />
      <Skeleton height={320} radius={14} />
    </div>
  );
}

function RequireAdmin({ children }: { children: ReactNode }) {
  const { signedIn } = useAdminSession();
  const [location] = useLocation();
  if (!signedIn) return <Redirect to={`/login?next=${encodeURIComponent(location)}${adminSessionExpired() ? '&reason=ended' : ''}`} replace />;
  return children;
}

function NotFound() {
  useEffect(() => {
    document.title = 'Not found · Pulse admin';
  }, []);
  return (
    <div className="empty-state card">
      <h1>Page not found</h1>
      <Link href="/" className="button button--primary">Go to system health</Link>
    </div>
  );
}

export default function AdminApp() {
  return (
    <Switch>
      <Route path="/login"><LoginPage /></Route>
      <Route>
        <RequireAdmin>
          <AdminLayout>
            <Switch>
              <Route path="/">{() => <MonitoringPage />}</Route>
              <Route path="/providers/:provider">{(p) => <MonitoringPage key={p.provider} provider={p.provider} />}</Route>
              <Route path="/integrations/:id">{(p) => <AdminIntegrationPage key={p.id} id={p.id} />}</Route>
              <Route path="/alerting/*?"><Suspense fallback={<SectionLoading />}><AlertingSection /></Suspense></Route>
              <Route path="/operations"><OperationsPage /></Route>
              <Route path="/accounts"><AdminAccountsPage /></Route>
              <Route path="/audit"><AuditLogPage /></Route>
              <Route><NotFound /></Route>
            </Switch>
          </AdminLayout>
        </RequireAdmin>
      </Route>
    </Switch>
  );
}
