// A segmented control built on native radio buttons: arrow keys, focus and screen-reader
// semantics come for free.
import { useId } from 'react';

export function SegmentedControl<T extends string>({ label, value, options, onChange }: {
  label: string;
  value: T;
  options: { value: T; label: string; short?: string }[];
  onChange: (value: T) => void;
}) {
  const name = useId();
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{label}</legend>
      {options.map((o) => (
        <label key={o.value} className="segmented__option">
          <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
          <span aria-hidden={o.short ? 'true' : undefined}>{o.short ?? o.label}</span>
          {o.short && <span className="visually-hidden">{o.label}</span>}
        </label>
      ))}
    </fieldset>
  );
}
