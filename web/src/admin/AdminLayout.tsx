// The portal's frame: a sidebar built from adminNav (a drawer on phones), the signed-in
// admin and sign-out, and the page.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { LogOut, Menu, PulseMark, Close } from '../ui/Icons';
import { toast } from '../ui/toasts';
import { adminLogout } from './adminApi';
import { ConnectionIndicator } from '../live/ConnectionIndicator';
import { adminNav } from './adminNav';
import { useAdminLive } from './useAdminLive';
import { useAdminSession } from './useAdminSession';

export function AdminLayout({ children }: { children: ReactNode }) {
  const [location, navigate] = useLocation();
  const { email, signedIn } = useAdminSession();
  useAdminLive(signedIn);
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);

  // The drawer (phones) closes with Escape and gives focus back to its button.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      toggle.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  useEffect(() => {
    setOpen(false);
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [location]);

  async function signOut() {
    try {
      await adminLogout();
    } catch {
      toast({ tone: 'info', title: 'Signed out on this device', body: 'The server could not be told; the session ends by itself after 30 minutes.' });
    }
    navigate('/login', { replace: true });
  }

  return (
    <div className={`admin${open ? ' admin--nav-open' : ''}`}>
      <a href="#main" className="skip-link">Skip to content</a>
      <header className="admin__mobilebar">
        <button type="button" ref={toggle} className="icon-button" aria-expanded={open} aria-controls="admin-nav" onClick={() => setOpen(!open)}>
          {open ? <Close size={20} /> : <Menu size={20} />}
          <span className="visually-hidden">{open ? 'Close menu' : 'Open menu'}</span>
        </button>
        <span className="brand"><PulseMark size={24} /><span className="brand__name">Pulse admin</span></span>
        <span className="admin__mobile-live"><ConnectionIndicator /></span>
      </header>
      <aside className="admin__sidebar" id="admin-nav">
        <Link href="/" className="brand admin__brand" aria-label="Pulse admin, system health">
          <PulseMark size={28} />
          <span className="brand__name">Pulse <span className="brand__tag">admin</span></span>
        </Link>
        <nav aria-label="Admin">
          {adminNav.map((section) => (
            <div key={section.title} className="nav-section">
              <p className="nav-section__title" id={`nav-${section.title}`}>{section.title}</p>
              <ul aria-labelledby={`nav-${section.title}`}>
                {section.items.map((item) => {
                  const active = item.matches(location);
                  return (
                    <li key={item.href}>
                      <Link href={item.href} className={`nav-link${active ? ' nav-link--active' : ''}`} aria-current={active ? 'page' : undefined}>
                        <item.icon size={18} />
                        {item.label}
                      </Link>
                    </li>
                  );
                })}
              </ul>
            </div>
          ))}
        </nav>
        <div className="admin__live"><ConnectionIndicator /></div>
        <div className="admin__account">
          <p className="small muted">Signed in as</p>
          <p className="admin__email" title={email ?? ''}>{email ?? 'admin'}</p>
          <button type="button" className="button button--ghost button--small" onClick={signOut}>
            <LogOut size={16} /> Sign out
          </button>
        </div>
      </aside>
      <main id="main" className="admin__main" tabIndex={-1}>{children}</main>
    </div>
  );
}
