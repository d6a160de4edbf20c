// Shown while the live connection is down: the page keeps the last known state, says how old
// it is, and reconnects by itself. Fixed to the bottom so its arrival moves no content.
import { useEffect, useState } from 'react';
import { clockTime } from '../lib/time';
import { WifiOff } from '../ui/Icons';
import { useLiveState } from './liveState';

export function OfflineBanner() {
  const { state, lastLiveAt, retry } = useLiveState();
  const down = state === 'offline' || state === 'reconnecting';
  // A blip of a second or two is not worth a banner.
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!down) return setVisible(false);
    const timer = setTimeout(() => setVisible(true), state === 'offline' ? 0 : 2_500);
    return () => clearTimeout(timer);
  }, [down, state]);
  if (!visible || !down) return null;
  return (
    <div className="offline-banner" role="status">
      <WifiOff size={18} />
      <p>
        <strong>{state === 'offline' ? 'You are offline.' : 'Live updates paused.'}</strong>{' '}
        Showing the last known state{lastLiveAt ? ` from ${clockTime(lastLiveAt)}` : ''}. We will reconnect and catch up automatically.
      </p>
      <button type="button" className="button button--small button--on-dark" onClick={retry}>Retry now</button>
    </div>
  );
}
