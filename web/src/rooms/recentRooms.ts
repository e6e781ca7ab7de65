// The rooms this browser has been in, for the landing page's "Recent rooms": kept in this browser's
// IndexedDB only, with the names it decrypted. Nothing here is ever sent; the server learns nothing
// new when the list is read or a room is opened from it (the link secret stays in the fragment).

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

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

const isRecent = (value: unknown): value is RecentRoom => {
  const r = value as RecentRoom | null;
  return typeof r?.roomId === 'string' && typeof r.name === 'string' && typeof r.lastOpenedAt === 'number';
};

export function indexedDbRecentRooms(factory: IDBFactory = indexedDB): RecentRoomStore {
  async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T>): Promise<T> {
    const open = factory.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'roomId' });
    const db = await request(open);
    try {
      const tx = db.transaction(STORE, mode);
      const result = await work(tx.objectStore(STORE));
      await done(tx);
      return result;
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
