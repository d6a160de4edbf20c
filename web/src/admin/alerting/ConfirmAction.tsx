// A destructive action in two steps, in place (like re-drive and replay): the first click asks,
// the second does it; Cancel or Escape backs out and focus returns to the first button.
import { useEffect, useRef, useState, type ReactNode } from 'react';

export function ConfirmAction({ label, confirmLabel, question, busyLabel, onConfirm, busy, icon }: {
  label: string;
  confirmLabel: string;
  question?: ReactNode;
  busyLabel?: string;
  onConfirm: () => void;
  busy: boolean;
  icon?: ReactNode;
}) {
  const [asking, setAsking] = useState(false);
  const first = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (wasAsking.current && !asking) first.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking && !busy) {
    return (
      <button type="button" ref={first} className="button button--ghost button--small button--danger" onClick={() => setAsking(true)}>
        {icon}{label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={label} onKeyDown={(e) => e.key === 'Escape' && !busy && setAsking(false)}>
      {question && <span className="small">{question}</span>}
      <button type="button" className="button button--danger-solid button--small" onClick={onConfirm} disabled={busy} autoFocus>
        {busy ? busyLabel ?? 'Working…' : confirmLabel}
      </button>
      {!busy && <button type="button" className="button button--ghost button--small" onClick={() => setAsking(false)}>Cancel</button>}
    </span>
  );
}
