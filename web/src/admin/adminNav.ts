// The portal's navigation, as data: a new page is one entry here plus one <Route> in
// AdminApp.tsx. Alerting (rules, webhooks, alert history and acknowledgement, test
// notifications, suppression windows) arrives as its own section between Monitoring and
// Operations once its API exists; see docs/web.md.
import type { ComponentType } from 'react';
import { Grid, Layers, Shield } from '../ui/Icons';

export interface NavItem {
  href: string;
  label: string;
  icon: ComponentType<{ size?: number }>;
  /** Which locations (relative to /admin) highlight this item. */
  matches: (location: string) => boolean;
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

export const adminNav: NavSection[] = [
  {
    title: 'Monitoring',
    items: [
      { href: '/', label: 'System health', icon: Grid, matches: (l) => l === '/' || l.startsWith('/providers/') || l.startsWith('/integrations/') },
    ],
  },
  {
    title: 'Operations',
    items: [
      { href: '/operations', label: 'Replays & dead letters', icon: Layers, matches: (l) => l.startsWith('/operations') },
    ],
  },
  {
    title: 'Security',
    items: [
      { href: '/audit', label: 'Audit log', icon: Shield, matches: (l) => l.startsWith('/audit') },
    ],
  },
];
