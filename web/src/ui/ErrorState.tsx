// What a failed load looks like everywhere: what happened, in words, and a way to try again.
import { ApiError } from '../api/http';
import { WarningTriangle } from './Icons';

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.isNetwork) return 'Pulse could not be reached. Check your connection; we will keep trying.';
    if (error.status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
    return error.message.charAt(0).toUpperCase() + error.message.slice(1);
  }
  return 'Something unexpected happened.';
}

export function ErrorState({ title = 'Could not load this', error, onRetry, compact }: { title?: string; error: unknown; onRetry?: () => void; compact?: boolean }) {
  return (
    <div className={`error-state${compact ? ' error-state--compact' : ''}`} role="alert">
      <WarningTriangle size={compact ? 18 : 24} />
      <div>
        <p className="error-state__title">{title}</p>
        <p className="error-state__text">{errorText(error)}</p>
      </div>
      {onRetry && <button type="button" className="button button--secondary button--small" onClick={onRetry}>Try again</button>}
    </div>
  );
}
