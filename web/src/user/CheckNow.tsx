// The "Check now" button and the line that reports its outcome.
import type { HealthView } from '../api/types';
import { latency } from '../lib/format';
import { statusLabel } from '../ui/HealthIndicator';
import { Refresh } from '../ui/Icons';
import { useCheckNow } from './useCheckNow';

export function CheckNow({ view, variant = 'secondary' }: { view: HealthView; variant?: 'primary' | 'secondary' }) {
  const { phase, message, secondsLeft, checkNow } = useCheckNow(view);
  const busy = phase === 'sending' || phase === 'checking';
  const waiting = secondsLeft > 0;
  return (
    <>
      <button type="button" className={`button button--${variant}`} onClick={checkNow} disabled={busy || waiting}
        aria-describedby={`check-result-${view.integrationId}`}>
        <Refresh size={16} className={busy ? 'spin' : undefined} />
        {busy ? 'Checking…' : waiting ? <span>Check again in <span className="tabular">{secondsLeft}</span> s</span> : 'Check now'}
      </button>
      <p className="check-result" id={`check-result-${view.integrationId}`} role="status" data-phase={phase}>
        {phase === 'checking' && 'Check requested. The result appears here in a moment.'}
        {phase === 'done' && (
          <>
            Check finished: <strong>{statusLabel[view.status]}</strong>
            {view.latencyMs !== null ? ` in ${latency(view.latencyMs)}` : ''}
            {view.error && view.status !== 'green' ? `. ${view.error.message}` : '.'}
          </>
        )}
        {phase === 'slow' && 'The check was requested; its result has not arrived yet and will show up here automatically.'}
        {(phase === 'idle' || phase === 'failed') && message}
      </p>
    </>
  );
}
