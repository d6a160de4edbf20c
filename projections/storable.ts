// What an event says, in a form Postgres can hold. Text and jsonb cannot store U+0000, and
// jsonb refuses a lone surrogate (`"\ud800"`, which a JSON string inside an event can carry).
// The API refuses both at the boundary, but a record from elsewhere (another producer, an old
// version, a replay) may have them, and a valid record must never be dead-lettered for it: every
// projection stores such a character as U+FFFD, in values and object keys alike
// (docs/security.md, "Input rules").

const unstorable = /\u0000|\p{Cs}/u;
const everyUnstorable = /\u0000|\p{Cs}/gu;

/** A string Postgres can store: U+0000 and lone surrogates become U+FFFD. */
export const storableText = (s: string): string => (unstorable.test(s) ? s.replace(everyUnstorable, '\ufffd') : s);

/**
 * `value` with every string (and every key of a plain object) made storable; the very same value
 * when nothing needed to change, so the common case allocates nothing. Pure.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) {
    const items = value.map(storable);
    return (items.some((v, i) => v !== value[i]) ? items : value) as T;
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  let changed = false;
  const entries = Object.entries(value).map(([k, v]) => {
    const key = storableText(k);
    const item = storable(v);
    if (key !== k || item !== v) changed = true;
    return [key, item] as const;
  });
  return (changed ? Object.fromEntries(entries) : value) as T;
}

/**
 * A JSON text (a field an event carries as a string, like a rule's params) that jsonb will take:
 * parsed, made storable, written again — JSON escapes (`\u0000`, `\ud800`) are refused by jsonb
 * even when the text holds no such character itself. Text that is not JSON is returned as it is
 * (Postgres then refuses it with its own reason, and the record is dead-lettered).
 */
export function storableJson(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(storable(value));
}

// An Avro timestamp-millis spans far more than anyone reads back: Postgres stops at 294276 AD,
// JavaScript dates at 275760, and ISO 8601 (what the API answers) has four-digit years.
const earliestInstantMs = -62_135_596_800_000; // 0001-01-01T00:00:00Z (Date.UTC reads year 1 as 1901)
const latestInstantMs = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * An instant every layer can hold and show: one outside years 1–9999 is stored as the nearest
 * one inside. Used where a record must not be dead-lettered for its time alone (an integration
 * the worker checks must exist for its owner, whatever `occurredAt` another producer wrote).
 */
export const storableInstant = (ms: number): number => Math.min(latestInstantMs, Math.max(earliestInstantMs, ms));
