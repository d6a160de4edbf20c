// The frame of every user page: skip link, header with the live-connection indicator, main.
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { ConnectionIndicator } from '../live/ConnectionIndicator';
import { PulseMark } from './Icons';

export function AppShell({ userId, children }: { userId: string; children: ReactNode }) {
  return (
    <>
      <a href="#main" className="skip-link">Skip to content</a>
      <header className="topbar">
        <div className="topbar__inner">
          <Link href="/" className="brand" aria-label="Pulse, your integrations">
            <PulseMark size={28} />
            <span className="brand__name">Pulse</span>
          </Link>
          <div className="topbar__end">
            <ConnectionIndicator />
            <span className="topbar__user" title="Signed in as">{userId}</span>
          </div>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>{children}</main>
    </>
  );
}
