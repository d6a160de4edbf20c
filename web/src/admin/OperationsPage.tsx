// /admin/operations: the platform's maintenance controls.
import { useEffect } from 'react';
import { DeadLetters } from './DeadLetters';
import { ReplayControl } from './ReplayControl';

export function OperationsPage() {
  useEffect(() => {
    document.title = 'Operations · Pulse admin';
  }, []);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Replays &amp; dead letters</h1>
          <p className="page-head__lede muted">Rebuild read models from the event log, and recover records that could not be processed.</p>
        </div>
      </div>
      <ReplayControl />
      <DeadLetters />
    </>
  );
}
