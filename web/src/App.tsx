// Top-level routes. The user dashboard is in the first bundle; the admin portal (its own
// login, its own session) and every chart load on demand.
import { lazy, Suspense, useEffect, useRef } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { SignInHelp } from './auth/SignInHelp';
import { useUserToken } from './auth/userToken';
import { LiveProvider } from './live/LiveProvider';
import { OfflineBanner } from './live/OfflineBanner';
import { AppShell } from './ui/AppShell';
import { Skeleton } from './ui/Skeleton';
import { Toasts } from './ui/Toasts';
import { DashboardPage } from './user/DashboardPage';
import { IntegrationHealthDashboard } from './user/IntegrationHealthDashboard';
import { useOAuthReturn } from './user/useOAuthReturn';

const AdminApp = lazy(() => import('./admin/AdminApp'));

/** After in-app navigation, move focus to the new page so screen readers start there. */
function useFocusOnNavigate() {
  const [location] = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
  }, [location]);
}

function UserApp() {
  const { token, reason } = useUserToken();
  if (!token) return <SignInHelp reason={reason} />;
  return (
    <LiveProvider key={token.jwt}>
      <UserRoutes userId={token.userId} />
      <OfflineBanner />
    </LiveProvider>
  );
}

function UserRoutes({ userId }: { userId: string }) {
  useOAuthReturn();
  useFocusOnNavigate();
  return (
    <AppShell userId={userId}>
      <Switch>
        <Route path="/"><DashboardPage /></Route>
        <Route path="/integrations/:id">{(p) => <IntegrationHealthDashboard key={p.id} id={p.id} />}</Route>
        <Route>
          <div className="empty-state card">
            <h1>Page not found</h1>
            <p>There is nothing at this address.</p>
            <Link href="/" className="button button--primary">Go to your integrations</Link>
          </div>
        </Route>
      </Switch>
    </AppShell>
  );
}

function PortalLoading() {
  return (
    <div className="portal-loading" aria-busy="true">
      <span className="visually-hidden" role="status">Loading the admin portal</span>
      <Skeleton width={220} height={28} />
    </div>
  );
}

export function App() {
  return (
    <>
      <Switch>
        <Route path="/admin" nest>
          <Suspense fallback={<PortalLoading />}><AdminApp /></Suspense>
        </Route>
        <Route><UserApp /></Route>
      </Switch>
      <Toasts />
    </>
  );
}
