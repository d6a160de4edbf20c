// The toast region. Failures are announced assertively, everything else politely; both
// live regions exist from the start so screen readers pick up the first toast too.
import { Link } from 'wouter';
import { dismissToast, useToasts, type Toast } from './toasts';
import { CheckCircle, Close, XOctagon, Bolt } from './Icons';

const icons = { error: XOctagon, success: CheckCircle, info: Bolt };

function ToastItem({ t }: { t: Toast }) {
  const Icon = icons[t.tone];
  return (
    <li className={`toast toast--${t.tone}`}>
      <Icon size={18} />
      <div className="toast__content">
        <p className="toast__title">{t.title}</p>
        {t.body && <p className="toast__body">{t.body}</p>}
        {t.href && <Link href={t.href} className="toast__link" onClick={() => dismissToast(t.id)}>{t.linkLabel ?? 'View'}</Link>}
      </div>
      <button type="button" className="icon-button" onClick={() => dismissToast(t.id)} aria-label="Dismiss notification">
        <Close size={16} />
      </button>
    </li>
  );
}

export function Toasts() {
  const all = useToasts();
  return (
    <div className="toasts">
      <ul aria-live="assertive" aria-relevant="additions" className="toasts__list">
        {all.filter((t) => t.tone === 'error').map((t) => <ToastItem key={t.id} t={t} />)}
      </ul>
      <ul aria-live="polite" aria-relevant="additions" className="toasts__list">
        {all.filter((t) => t.tone !== 'error').map((t) => <ToastItem key={t.id} t={t} />)}
      </ul>
    </div>
  );
}
