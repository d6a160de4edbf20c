// An on/off switch (role="switch"): Space/Enter toggle it, and it says its state in words.
export function Toggle({ checked, onChange, label, busy, disabled }: {
  checked: boolean;
  onChange: (next: boolean) => void;
  /** What it switches, for assistive technology ("Rule “Slack red”"). */
  label: string;
  busy?: boolean;
  disabled?: boolean;
}) {
  return (
    <button type="button" role="switch" aria-checked={checked} aria-label={label} aria-busy={busy || undefined}
      className={`toggle${checked ? ' toggle--on' : ''}${busy ? ' toggle--busy' : ''}`} disabled={disabled || busy} onClick={() => onChange(!checked)}>
      <span className="toggle__track" aria-hidden="true"><span className="toggle__thumb" /></span>
      <span className="toggle__text" aria-hidden="true">{checked ? 'On' : 'Off'}</span>
    </button>
  );
}
