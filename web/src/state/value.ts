import { useSyncExternalStore } from 'react';

/** A value that can be read now and watched for changes; shaped for React's useSyncExternalStore. */
export class Value<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private current: T) {}

  get = (): T => this.current;

  subscribe = (listener: (value: T) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(next: T): void {
    if (Object.is(next, this.current)) return;
    this.current = next;
    for (const listener of [...this.listeners]) listener(next);
  }
}

/** A Value in a React component: re-renders when it changes. */
export function useValue<T>(value: Value<T>): T {
  // The same snapshot when rendering to markup, so components render in tests without a DOM.
  return useSyncExternalStore(value.subscribe, value.get, value.get);
}
