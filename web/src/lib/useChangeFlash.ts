// True for a moment after `value` changes (not on first render), to draw the eye to a status
// that just changed. The CSS turns the animation off under prefers-reduced-motion.
import { useEffect, useRef, useState } from 'react';

export function useChangeFlash(value: unknown, ms = 2_000): boolean {
  const first = useRef(true);
  const [flash, setFlash] = useState(false);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    setFlash(true);
    const timer = setTimeout(() => setFlash(false), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return flash;
}
