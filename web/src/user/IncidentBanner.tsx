// "Gmail is having problems; nothing for you to do": a provider-wide incident explains failing
// integrations, so people do not start reconnecting things that are not broken on their side.
// Says nothing (and takes no room) when there is no incident or the read fails.
import { providerName } from '../lib/format';
import { Bolt } from '../ui/Icons';
import { ProviderBadge } from '../ui/ProviderBadge';
import { Timestamp } from '../ui/Timestamp';
import { useProviderIncidents } from './useProviderIncidents';

export function IncidentBanner() {
  const { data } = useProviderIncidents();
  const incidents = data?.incidents ?? [];
  return (
    <div aria-live="polite">
      {incidents.length > 0 && (
        <section className="incident-banner" aria-label={incidents.length === 1 ? `${providerName(incidents[0]!.provider)} incident` : 'Provider incidents'}>
          <Bolt size={20} />
          <ul>
            {incidents.map((i) => (
              <li key={i.provider} className="incident-banner__item" data-provider={i.provider}>
                <ProviderBadge provider={i.provider} size={22} />
                <p>
                  <strong>{i.message}</strong>{' '}
                  <span className="incident-banner__since">Since <Timestamp iso={i.since} />.</span>
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
