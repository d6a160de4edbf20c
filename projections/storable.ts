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
