// A labelled form control with its hint and its error, wired for assistive technology: the
// control gets an id, aria-invalid and aria-describedby through the render prop.
import type { ReactNode } from 'react';

export interface FieldA11y {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

export function Field({ id, label, hint, error, className, children }: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  className?: string;
  children: (a11y: FieldA11y) => ReactNode;
}) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`form-field${error ? ' form-field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id} className="form-field__label">{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': described })}
      {hint && <p id={`${id}-hint`} className="form-field__hint">{hint}</p>}
      {error && <p id={`${id}-error`} className="form-field__error">{error}</p>}
    </div>
  );
}

/** The top-of-form notice after a refused save: how many fields to fix, or what went wrong. */
export function FormAlert({ children }: { children: ReactNode }) {
  return <div className="field-error field-error--block form-alert" role="alert">{children}</div>;
}
