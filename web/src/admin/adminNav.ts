// The portal's navigation, as data: a new page is one entry here plus one <Route> in
// AdminApp.tsx (the Alerting section's routes live in alerting/AlertingSection.tsx).
import type { ComponentType } from 'react';
import { Grid, Layers, Shield, Users } from '../ui/Icons';
import { Bell, BellOff, Sliders, Webhook } from './alerting/icons';

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
    title: 'Alerting',
    items: [
      { href: '/alerting', label: 'Alerts', icon: Bell, matches: (l) => l === '/alerting' || l.startsWith('/alerting/alerts') },
      { href: '/alerting/rules', label: 'Rules', icon: Sliders, matches: (l) => l.startsWith('/alerting/rules') },
      { href: '/alerting/webhooks', label: 'Webhooks & tests', icon: Webhook, matches: (l) => l.startsWith('/alerting/webhooks') },
      { href: '/alerting/suppressions', label: 'Suppressions', icon: BellOff, matches: (l) => l.startsWith('/alerting/suppressions') },
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
      { href: '/accounts', label: 'Admin accounts', icon: Users, matches: (l) => l.startsWith('/accounts') },
      { href: '/audit', label: 'Audit log', icon: Shield, matches: (l) => l.startsWith('/audit') },
    ],
  },
];
