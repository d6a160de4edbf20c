// A small coloured monogram per provider: recognisable at a glance without shipping logos.
import { providerName } from '../lib/format';

const marks: Record<string, string> = { gmail: 'M', google_calendar: '31', slack: '#', mcp: '⌘', http: '⇄' };

export function ProviderBadge({ provider, size = 36 }: { provider: string; size?: number }) {
  return (
    <span className={`provider-badge provider-badge--${provider}`} style={{ width: size, height: size }} aria-hidden="true" title={providerName(provider)}>
      {marks[provider] ?? provider.slice(0, 1).toUpperCase()}
    </span>
  );
}
