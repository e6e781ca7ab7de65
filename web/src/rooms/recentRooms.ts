// The rooms this browser has been in, for the landing page's "Recent rooms": kept in this browser's
// IndexedDB only, with the names it decrypted. Nothing here is ever sent; the server learns nothing
// new when the list is read or a room is opened from it (the link secret stays in the fragment).
import { inStore, openDatabase, request } from '../storage/indexedDb';

export interface RecentRoom {
  roomId: string;
  /** As this browser last read it (a custom name, or the one picked from the room id). */
  name: string;
  /** When this browser last had the room open (ms since 1970, UTC). */
  lastOpenedAt: number;
}

export interface RecentRoomStore {
  /** Newest first. */
  list(): Promise<RecentRoom[]>;
  record(room: RecentRoom): Promise<void>;
  forget(roomId: string): Promise<void>;
}

const DB_NAME = 'parley-recent';
const STORE = 'rooms';
/** Enough to find a room again; older ones drop off. */
export const MAX_RECENT = 20;

const isRecent = (value: unknown): value is RecentRoom => {
  const r = value as RecentRoom | null;
  return typeof r?.roomId === 'string' && typeof r.name === 'string' && typeof r.lastOpenedAt === 'number';
};

export function indexedDbRecentRooms(factory: IDBFactory = indexedDB): RecentRoomStore {
  async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T>): Promise<T> {
    const db = await openDatabase(factory, DB_NAME, (made) => made.createObjectStore(STORE, { keyPath: 'roomId' }));
    try {
      return await inStore(db, STORE, mode, work);
    } finally {
      db.close();
    }
  }
  const all = (store: IDBObjectStore) => request(store.getAll()).then((rows: unknown[]) => rows.filter(isRecent));
  return {
    list: () => withStore('readonly', all).then((rooms) => rooms.sort((a, b) => b.lastOpenedAt - a.lastOpenedAt)),
    record: (room) =>
      withStore('readwrite', async (store) => {
        store.put(room);
        const rooms = (await all(store)).filter((r) => r.roomId !== room.roomId).sort((a, b) => b.lastOpenedAt - a.lastOpenedAt);
        for (const old of rooms.slice(MAX_RECENT - 1)) store.delete(old.roomId);
      }),
    forget: (roomId) => withStore('readwrite', async (store) => void store.delete(roomId)),
  };
}

/** Blocked storage or no IndexedDB: the list is just empty. */
export const recentRooms = (): RecentRoomStore | null => (typeof indexedDB === 'undefined' ? null : indexedDbRecentRooms());
