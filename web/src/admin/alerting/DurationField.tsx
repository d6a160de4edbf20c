// A duration typed as an amount and a unit (15 minutes, 2 hours), stored as seconds. The
// unit is the field's own state, so typing "1" in hours stays hours.
import { useState } from 'react';
import type { FieldA11y } from './Field';

const units = [
  { value: 60, label: 'minutes' },
  { value: 3_600, label: 'hours' },
  { value: 86_400, label: 'days' },
  { value: 1, label: 'seconds' },
];

/** The largest unit that shows the value as a whole number. */
const unitFor = (seconds: number | null) => (seconds ? [86_400, 3_600, 60].find((u) => seconds % u === 0) ?? 1 : 60);

export function DurationField({ a11y, seconds, onChange, label, disabled }: {
  a11y: FieldA11y;
  seconds: number | null;
  onChange: (seconds: number | null) => void;
  /** For the unit's accessible name ("Cooldown unit"). */
  label: string;
  disabled?: boolean;
}) {
  const [unit, setUnit] = useState(() => unitFor(seconds));
  const [text, setText] = useState(() => (seconds === null ? '' : String(seconds / unitFor(seconds))));
  const emit = (t: string, u: number) => {
    const n = t.trim() === '' ? NaN : Number(t);
    onChange(Number.isFinite(n) ? Math.round(n * u) : null);
  };
  return (
    <span className="duration-input">
      <input {...a11y} type="number" inputMode="decimal" min={0} step="any" value={text} disabled={disabled}
        onChange={(e) => { setText(e.target.value); emit(e.target.value, unit); }} />
      <select aria-label={`${label} unit`} value={unit} disabled={disabled}
        onChange={(e) => { const u = Number(e.target.value); setUnit(u); emit(text, u); }}>
        {units.map((u) => <option key={u.value} value={u.value}>{u.label}</option>)}
      </select>
    </span>
  );
}

/** A whole or decimal number with its unit after it; empty is null (the API says what it needs). */
export function NumberField({ a11y, value, onChange, unit, disabled }: {
  a11y: FieldA11y;
  value: number | null | undefined;
  onChange: (value: number | null) => void;
  unit?: string;
  disabled?: boolean;
}) {
  const [text, setText] = useState(() => (value === null || value === undefined ? '' : String(value)));
  return (
    <span className="unit-input">
      <input {...a11y} type="number" inputMode="decimal" step="any" value={text} disabled={disabled}
        onChange={(e) => {
          setText(e.target.value);
          const n = e.target.value.trim() === '' ? NaN : Number(e.target.value);
          onChange(Number.isFinite(n) ? n : null);
        }} />
      {unit && <span className="unit-input__unit" aria-hidden="true">{unit}</span>}
    </span>
  );
}
