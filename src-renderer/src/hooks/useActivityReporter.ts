// Tells main the user is active (keyboard, pointer, wheel), at most once every few seconds, so main's auto-lock and
// kiosk idle timers restart. Main owns those timers; the renderer only reports.
import { useEffect } from 'react';
import { api } from '../api';

const EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
export const ACTIVITY_REPORT_INTERVAL_MS = 5_000;

export function useActivityReporter(onActivity?: () => void): void {
  useEffect(() => {
    let last = 0;
    const handler = () => {
      onActivity?.();
      const now = Date.now();
      if (now - last < ACTIVITY_REPORT_INTERVAL_MS) return;
      last = now;
      void api()
        .app.activity()
        .catch(() => undefined);
    };
    for (const name of EVENTS) window.addEventListener(name, handler, { passive: true, capture: true });
    return () => {
      for (const name of EVENTS) window.removeEventListener(name, handler, { capture: true });
    };
  }, [onActivity]);
}
