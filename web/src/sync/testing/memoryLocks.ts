import type { Locks } from '../keptRecord';

/**
 * Web Locks within one test (jsdom has none): exclusive locks asked for with `ifAvailable`, as kept
 * records ask for them. A lock is held until its callback's promise settles, as in the browser.
 */
export function memoryLocks(): Locks & { held: ReadonlySet<string> } {
  const held = new Set<string>();
  const request = async (name: string, options: LockOptions, callback: LockGrantedCallback<unknown>) => {
    if (held.has(name)) {
      if (options.ifAvailable) return callback(null);
      throw new Error('memoryLocks does not queue: ask with ifAvailable');
    }
    held.add(name);
    try {
      return await callback({ name, mode: 'exclusive' });
    } finally {
      held.delete(name);
    }
  };
  return { request: request as Locks['request'], held };
}
