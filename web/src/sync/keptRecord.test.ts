// Each tab's undelivered work in a record of its own: two tabs of one room never overwrite each
// other's, and a later visit takes over only what tabs that are gone left behind.
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openLocalVault, type LocalVault } from '../crypto';
import { KeptRecord, type Locks } from './keptRecord';
import { memoryLocks } from './testing/memoryLocks';

const NAME = 'room-1/chat';
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** One tab's record, keeping whatever `work.value` holds (null: nothing left). */
function tab(vault: Promise<LocalVault | null>, locks: Locks | null) {
  const work: { value: string | null } = { value: null };
  const problems: string[] = [];
  const record = new KeptRecord({
    vault,
    name: NAME,
    snapshot: () => (work.value === null ? null : bytes(work.value)),
    report: (message) => problems.push(message),
    delayMs: 1,
    locks,
  });
  return { record, work, problems, keep: async (value: string | null) => ((work.value = value), record.changed(), await record.flush()) };
}

async function kept(vault: Promise<LocalVault | null>): Promise<string[]> {
  const store = (await vault)!;
  const names = await store.names(NAME);
  return (await Promise.all(names.map((n) => store.read(n)))).map((b) => text(b!)).sort();
}

describe('a kept record per tab', () => {
  it('keeps two open tabs\' work apart: neither write removes the other\'s', async () => {
    const vault = openLocalVault(new IDBFactory());
    const locks = memoryLocks();
    const a = tab(vault, locks);
    const b = tab(vault, locks);
    expect(await a.record.load()).toEqual([]);
    expect(await b.record.load()).toEqual([]);

    await a.keep('unsent in A');
    await b.keep('unsent in B');
    await b.keep(null); // B delivered its work: only its own record goes

    expect(await kept(vault)).toEqual(['unsent in A']);
  });

  it('gives a new visit the work of closed tabs only, and deletes their records once its own holds it', async () => {
    const vault = openLocalVault(new IDBFactory());
    const locks = memoryLocks();
    const open = tab(vault, locks);
    const closed = tab(vault, locks);
    await open.record.load();
    await closed.record.load();
    const names = async () => (await (await vault)!.names(NAME)).sort();
    await open.keep('still being sent by the open tab');
    const [openRecord] = await names();
    await closed.keep('left by the closed tab');
    const closedRecord = (await names()).find((n) => n !== openRecord);
    await closed.record.stop();

    const next = tab(vault, locks);
    const found = await next.record.load();

    expect(found.map(text)).toEqual(['left by the closed tab']);
    expect(await kept(vault)).toEqual(['left by the closed tab', 'still being sent by the open tab']);
    next.work.value = 'left by the closed tab'; // restored by the caller
    next.record.taken();
    await next.record.flush();
    // Now in the new tab's own record; the closed tab's is gone and the open tab's untouched.
    expect(await kept(vault)).toEqual(['left by the closed tab', 'still being sent by the open tab']);
    const after = await names();
    expect(after).toHaveLength(2);
    expect(after).toContain(openRecord);
    expect(after).not.toContain(closedRecord);
    expect(next.problems).toEqual([]);
  });

  it('leaves a closed tab\'s record in place when the visit stops before taking its work', async () => {
    const vault = openLocalVault(new IDBFactory());
    const locks = memoryLocks();
    const closed = tab(vault, locks);
    await closed.record.load();
    await closed.keep('left behind');
    await closed.record.stop();

    const brief = tab(vault, locks);
    expect((await brief.record.load()).map(text)).toEqual(['left behind']);
    await brief.record.stop(); // gone before it restored anything
    expect(locks.held.size).toBe(0);

    const later = tab(vault, locks);
    expect((await later.record.load()).map(text)).toEqual(['left behind']);
  });

  it('takes over a record an earlier version of the page kept under the room\'s name alone', async () => {
    const vault = openLocalVault(new IDBFactory());
    await (await vault)!.write(NAME, bytes('from the old page'));
    const next = tab(vault, memoryLocks());
    expect((await next.record.load()).map(text)).toEqual(['from the old page']);
    next.record.taken();
    await next.record.flush(); // nothing left to keep (delivered already): both records go
    expect(await (await vault)!.names(NAME)).toEqual([]);
  });

  it('without Web Locks counts every other record as left behind', async () => {
    const vault = openLocalVault(new IDBFactory());
    const first = tab(vault, null);
    await first.record.load();
    await first.keep('first tab');
    const second = tab(vault, null);
    expect((await second.record.load()).map(text)).toEqual(['first tab']);
    // Web Locks that refuse every request (as a browser may in some contexts) count as none.
    const refusing: Locks = { request: (() => Promise.reject(new DOMException('refused', 'SecurityError'))) as Locks['request'] };
    const third = tab(vault, refusing);
    expect((await third.record.load()).map(text)).toEqual(['first tab']);
    expect(third.problems).toEqual([]);
  });

  it('deletes its own record and those closed tabs left when the room is over, also when that is known before they are read', async () => {
    const vault = openLocalVault(new IDBFactory());
    const locks = memoryLocks();
    for (const left of ['left by one tab', 'left by another']) {
      const closed = tab(vault, locks);
      await closed.record.load();
      await closed.keep(left);
      await closed.record.stop();
    }

    const early = tab(vault, locks);
    const loading = early.record.load();
    await early.record.forget(); // the join was refused before the records were read
    await early.record.stop(); // and the page left the room
    expect(await loading).toEqual([]);
    expect(await (await vault)!.names(NAME)).toEqual([]);
    expect(locks.held.size).toBe(0);

    const closed = tab(vault, locks);
    await closed.record.load();
    await closed.keep('left once more');
    await closed.record.stop();
    const late = tab(vault, locks);
    expect(await late.record.load()).toHaveLength(1);
    await late.keep('typed here');
    await late.record.forget();
    late.record.changed(); // nothing is kept any more
    await late.record.flush();
    expect(await (await vault)!.names(NAME)).toEqual([]);
    await late.record.stop();
    expect(locks.held.size).toBe(0);
  });
});
