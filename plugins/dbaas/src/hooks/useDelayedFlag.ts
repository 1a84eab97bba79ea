import { useEffect, useState } from 'react';

/**
 * `flag`, once it has held for `delayMs`; false as soon as it drops. A load
 * that answers quickly then shows no spinner: no flicker, and no extra render
 * of a table of 100 rows just to put an overlay on it and take it off again.
 */
export function useDelayedFlag(flag: boolean, delayMs: number): boolean {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (!flag) {
      setHeld(false);
      return undefined;
    }
    const timer = setTimeout(() => setHeld(true), delayMs);
    return () => clearTimeout(timer);
  }, [flag, delayMs]);
  return flag && held;
}
