// "Check now": the button (with its rate-limit countdown) and the line reporting the outcome.
// Two pieces sharing one useCheckNow, so a layout can put the result where it reads best.
import type { HealthView } from '../api/types';
import { latency } from '../lib/format';
import { statusLabel } from '../ui/HealthIndicator';
import { Refresh } from '../ui/Icons';
import type { useCheckNow } from './useCheckNow';

type Check = ReturnType<typeof useCheckNow>;

export function CheckNowButton({ check, view, variant = 'secondary' }: { check: Check; view: HealthView; variant?: 'primary' | 'secondary' }) {
  const busy = check.phase === 'sending' || check.phase === 'checking';
  const waiting = check.secondsLeft > 0;
  return (
    <button type="button" className={`button button--${variant}`} onClick={check.checkNow} disabled={busy || waiting}
      aria-describedby={`check-result-${view.integrationId}`}>
      <Refresh size={16} className={busy ? 'spin' : undefined} />
      {busy ? 'Checking…' : waiting ? <span>Check again in <span className="tabular">{check.secondsLeft}</span> s</span> : 'Check now'}
    </button>
  );
}

export function CheckResult({ check, view }: { check: Check; view: HealthView }) {
  const { phase, message } = check;
  return (
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
  );
}
