// "Live" / "Reconnecting…" / "Offline" in the header: whether what you see is current.
import { useLiveState } from './liveState';

const labels = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', offline: 'Offline' };
const hints = {
  live: 'Connected: changes appear as they happen.',
  connecting: 'Connecting to live updates.',
  reconnecting: 'Connection lost; reconnecting automatically.',
  offline: 'You are offline; showing the last known state.',
};

export function ConnectionIndicator() {
  const { state } = useLiveState();
  return (
    <span className={`connection connection--${state}`} role="status" title={hints[state]} data-state={state}>
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__label">{labels[state]}</span>
      <span className="visually-hidden">. {hints[state]}</span>
    </span>
  );
}
