// Human times: "12 minutes ago" for scanning, the exact local time for hovering and tooltips.

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const shortFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000], ['month', 30 * 86_400_000], ['week', 7 * 86_400_000],
  ['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000],
];

/** `expectFuture`: the time is meant to be ahead (a next check), not a past event. */
export function relativeTime(iso: string | number, now: number, expectFuture = false): string {
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  const diff = t - now;
  if (expectFuture && Math.abs(diff) < 45_000) return diff > 0 ? 'in a few seconds' : 'just now';
  // Server and browser clocks drift by a few seconds: a past event "in the future" is just now.
  if (!expectFuture && diff > -45_000 && diff < 120_000) return 'just now';
  for (const [unit, ms] of units) {
    if (Math.abs(diff) >= ms || unit === 'minute') return rtf.format(Math.round(diff / ms), unit);
  }
  return rtf.format(Math.round(diff / 60_000), 'minute');
}

export const exactTime = (iso: string | number) => exactFormat.format(new Date(iso));

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
/** For rows of events: the time of day today, the day and time before. */
export function eventTime(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? timeOfDay.format(d) : dayAndTime.format(d);
}
export const clockTime = (iso: string | number) => shortFormat.format(new Date(iso));

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
