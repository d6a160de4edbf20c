// "12 minutes ago", with the exact time on hover (title) and for assistive technology.
import { eventTime, exactTime, relativeTime } from '../lib/time';
import { useNow } from '../lib/useNow';

/** `clock`: show the time itself (rows of checks, where "just now" ×20 says nothing). */
export function Timestamp({ iso, empty = 'never', future = false, clock = false }: { iso: string | null | undefined; empty?: string; future?: boolean; clock?: boolean }) {
  useNow(); // re-render as time passes
  if (!iso) return <span className="muted">{empty}</span>;
  const exact = exactTime(iso);
  if (clock) return <time dateTime={iso} title={`${exact} (${relativeTime(iso, Date.now())})`} className="timestamp tabular">{eventTime(iso)}</time>;
  return (
    <time dateTime={iso} title={exact} className="timestamp">
      {relativeTime(iso, Date.now(), future)}
      <span className="visually-hidden"> ({exact})</span>
    </time>
  );
}
