import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { isProfile, type LocalProfile } from '../rooms/identity';
import type { Value } from '../sync/value';

export function useValue<T>(value: Value<T>): T {
  return useSyncExternalStore(value.subscribe, value.get);
}

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

export interface Person extends LocalProfile {
  clientId: number;
  isSelf: boolean;
}

/** People present per awareness, with a valid profile; re-renders only when that list changes. */
export function usePeople(awareness: Awareness): Person[] {
  const read = (): Person[] => {
    const people: Person[] = [];
    awareness.getStates().forEach((state, clientId) => {
      const user: unknown = state.user;
      if (isProfile(user)) people.push({ clientId, name: user.name, color: user.color, isSelf: clientId === awareness.clientID });
    });
    return people.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name) || a.clientId - b.clientId);
  };
  const [people, setPeople] = useState(read);
  useEffect(() => {
    let key = '';
    const update = () => {
      const next = read();
      const nextKey = JSON.stringify(next);
      if (nextKey !== key) {
        key = nextKey;
        setPeople(next);
      }
    };
    update();
    awareness.on('change', update);
    return () => awareness.off('change', update);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `read` only closes over `awareness`
  }, [awareness]);
  return people;
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
