import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { indexedDbRecentRooms, MAX_RECENT } from './recentRooms';

describe('recent rooms', () => {
  it('lists the rooms this browser opened, newest first, with the name it last read', async () => {
    const store = indexedDbRecentRooms(new IDBFactory());
    await store.record({ roomId: 'a', name: 'Pairing', lastOpenedAt: 1 });
    await store.record({ roomId: 'b', name: 'velvet-zephyr-23', lastOpenedAt: 2 });
    await store.record({ roomId: 'a', name: 'Friday pairing', lastOpenedAt: 3 });
    expect(await store.list()).toEqual([
      { roomId: 'a', name: 'Friday pairing', lastOpenedAt: 3 },
      { roomId: 'b', name: 'velvet-zephyr-23', lastOpenedAt: 2 },
    ]);
  });

  it('forgets a room, and keeps only the newest few', async () => {
    const store = indexedDbRecentRooms(new IDBFactory());
    for (let i = 0; i < MAX_RECENT + 5; i++) await store.record({ roomId: `r${i}`, name: `room ${i}`, lastOpenedAt: i });
    const kept = await store.list();
    expect(kept).toHaveLength(MAX_RECENT);
    expect(kept[0].roomId).toBe(`r${MAX_RECENT + 4}`);
    await store.forget(kept[0].roomId);
    expect((await store.list()).map((r) => r.roomId)).not.toContain(`r${MAX_RECENT + 4}`);
  });
});
