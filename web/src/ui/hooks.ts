import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

export const DEFAULT_LANGUAGE = 'plaintext';

/** The room's language, shared through the doc's `meta` map. */
export function useSharedLanguage(meta: Y.Map<unknown>): string {
  const read = () => {
    const value = meta.get('language');
    return typeof value === 'string' && value ? value : DEFAULT_LANGUAGE;
  };
  const [language, setLanguage] = useState(read);
  useEffect(() => {
    const update = () => setLanguage(read());
    update();
    meta.observe(update);
    return () => meta.unobserve(update);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `read` only closes over `meta`
  }, [meta]);
  return language;
}

/** Idle this long (no pointer, key or wheel input) and this browser shows as away. */
export const IDLE_AWAY_MS = 2 * 60_000;

/** Puts `status: 'away' | 'online'` in our awareness state: away while the tab is hidden or idle. */
export function useAwayStatus(awareness: Awareness): void {
  useEffect(() => {
    let last = Date.now();
    const publish = () => {
      const away = document.hidden || Date.now() - last > IDLE_AWAY_MS;
      const status = away ? 'away' : 'online';
      if (awareness.getLocalState()?.status !== status) awareness.setLocalStateField('status', status);
    };
    const active = () => {
      last = Date.now();
      if (awareness.getLocalState()?.status === 'away') publish();
    };
    const events = ['pointermove', 'pointerdown', 'keydown', 'wheel', 'focus'] as const;
    for (const e of events) window.addEventListener(e, active, { passive: true });
    document.addEventListener('visibilitychange', publish);
    // Checking now and then is cheaper than re-arming a timer on every mouse move.
    const timer = setInterval(publish, 10_000);
    publish();
    return () => {
      for (const e of events) window.removeEventListener(e, active);
      document.removeEventListener('visibilitychange', publish);
      clearInterval(timer);
    };
  }, [awareness]);
}

export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
  );
}

/** Whether the page is showing (not a background tab or a minimised window). */
export function usePageVisible(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      document.addEventListener('visibilitychange', onChange);
      return () => document.removeEventListener('visibilitychange', onChange);
    },
    () => !document.hidden,
  );
}

/** A file dropped beside the chat's drop zone would make the browser open it in place of the room. */
export function usePreventFileNavigation(): void {
  useEffect(() => {
    const stop = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);
}
