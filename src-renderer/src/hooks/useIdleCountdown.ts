// Counts down to an idle sign-out: any keyboard, pointer or touch input restarts the count. Returns the seconds left,
// so the screen can warn before it happens.
import { useCallback, useEffect, useRef, useState } from 'react';

const EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

export function useIdleCountdown(idleSeconds: number, onTimeout: () => void): { remaining: number; reset: () => void } {
  const lastActivity = useRef(0);
  const [remaining, setRemaining] = useState(idleSeconds);
  const timeoutRef = useRef(onTimeout);
  useEffect(() => {
    timeoutRef.current = onTimeout;
  });

  // Fires once per idle period: input after a timeout starts a new period that can fire again.
  const fired = useRef(false);

  const reset = useCallback(() => {
    lastActivity.current = Date.now();
    fired.current = false;
    setRemaining(idleSeconds);
  }, [idleSeconds]);

  useEffect(() => {
    lastActivity.current = Date.now();
    fired.current = false;
    const tick = () => {
      const left = Math.max(0, idleSeconds - Math.floor((Date.now() - lastActivity.current) / 1000));
      setRemaining(left);
      if (left === 0 && !fired.current) {
        fired.current = true;
        timeoutRef.current();
      }
    };
    const interval = setInterval(tick, 1000);
    const onInput = () => {
      lastActivity.current = Date.now();
      fired.current = false;
    };
    for (const name of EVENTS) window.addEventListener(name, onInput, { passive: true, capture: true });
    return () => {
      clearInterval(interval);
      for (const name of EVENTS) window.removeEventListener(name, onInput, { capture: true });
    };
  }, [idleSeconds]);

  return { remaining, reset };
}

/** How long before the sign-out the warning shows: a third of the idle time, at most 30 seconds. */
export function warningSeconds(idleSeconds: number): number {
  return Math.min(30, Math.max(5, Math.floor(idleSeconds / 3)));
}
