// "12 minutes ago", with the exact time on hover (title) and for assistive technology.
import { exactTime, relativeTime } from '../lib/time';
import { useNow } from '../lib/useNow';

export function Timestamp({ iso, empty = 'never' }: { iso: string | null | undefined; empty?: string }) {
  const now = useNow();
  if (!iso) return <span className="muted">{empty}</span>;
  const exact = exactTime(iso);
  return (
    <time dateTime={iso} title={exact} className="timestamp">
      {relativeTime(iso, Math.max(now, Date.now() - 15_000))}
      <span className="visually-hidden"> ({exact})</span>
    </time>
  );
}
