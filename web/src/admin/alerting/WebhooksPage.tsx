// /admin/alerting/webhooks: where alerts are POSTed (signed, Standard Webhooks), adding one
// (its secret shown once), changing, testing and removing them; and a test email.
import { useEffect } from 'react';
import { ErrorState } from '../../ui/ErrorState';
import { Skeleton } from '../../ui/Skeleton';
import { useWebhooks } from './alertingApi';
import { NewWebhook } from './NewWebhook';
import { TestEmail } from './TestEmail';
import { WebhookItem } from './WebhookItem';

export function WebhooksPage() {
  const q = useWebhooks();
  useEffect(() => {
    document.title = 'Webhooks · Pulse admin';
  }, []);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Webhooks &amp; test notifications</h1>
          <p className="page-head__lede muted">
            Endpoints of yours that receive alerts, signed so you can trust them. <a href="/docs/webhooks.md" target="_blank" rel="noopener noreferrer">What a delivery looks like</a>
          </p>
        </div>
      </div>
      <NewWebhook />
      <section className="card section" aria-labelledby="webhooks-heading">
        <h2 id="webhooks-heading" className="section__title">Webhooks</h2>
        {q.error && !q.data ? (
          <ErrorState title="Could not load the webhooks" error={q.error} onRetry={() => void q.refetch()} />
        ) : !q.data ? (
          <div aria-busy="true"><span className="visually-hidden" role="status">Loading webhooks</span><Skeleton height={72} radius={10} /><Skeleton height={72} radius={10} style={{ marginTop: 10 }} /></div>
        ) : q.data.webhooks.length === 0 ? (
          <p className="muted empty-filter">No webhooks yet. Add one above, then pick it in a rule's channels.</p>
        ) : (
          <ul className="hook-list">{q.data.webhooks.map((w) => <WebhookItem key={w.id} hook={w} />)}</ul>
        )}
      </section>
      <TestEmail />
    </>
  );
}
