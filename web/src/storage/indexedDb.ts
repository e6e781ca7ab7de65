// The few IndexedDB steps this app's stores share (device identity, recent rooms, the vault of
// unsent work), as promises: the bottom layer, below even crypto, which keeps its keys here.

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Settles when the transaction has committed (or failed, or was aborted). */
export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

/** Opens version 1 of a database, making its stores the first time. */
export function openDatabase(factory: IDBFactory, name: string, makeStores: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  const open = factory.open(name, 1);
  open.onupgradeneeded = () => makeStores(open.result);
  return request(open);
}

/** One transaction on one store: `work`'s result, once the transaction has committed. */
export async function inStore<T>(db: IDBDatabase, name: string, mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T> | T): Promise<T> {
  const tx = db.transaction(name, mode);
  const result = await work(tx.objectStore(name));
  await done(tx);
  return result;
}
