// Work this browser has not delivered yet (unacknowledged edits, unsent chat) kept across a closed
// tab or a browser restart, encrypted at rest. The key is an AES-256-GCM CryptoKey made once per
// browser profile and stored, non-extractable, in IndexedDB (like the device identity): it never
// exists as bytes, never leaves the browser, and a copy of the database files alone reads nothing.

const DB_NAME = 'parley-unsent';
const KEY_STORE = 'key';
const RECORD_STORE = 'records';
const KEY_RECORD = 'self';
const AES: AesKeyGenParams = { name: 'AES-GCM', length: 256 };

/** One record as IndexedDB holds it: never plaintext. */
export interface SealedRecord {
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: Uint8Array<ArrayBuffer>;
}

/** Named plaintexts kept between visits. */
export interface LocalVault {
  /** The record's plaintext, or null when there is none; throws when it cannot be opened (another key, damage). */
  read(name: string): Promise<Uint8Array | null>;
  write(name: string, plaintext: Uint8Array): Promise<void>;
  remove(name: string): Promise<void>;
}

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

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  const open = factory.open(DB_NAME, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore(KEY_STORE);
    open.result.createObjectStore(RECORD_STORE);
  };
  return request(open);
}

const isVaultKey = (key: unknown): key is CryptoKey =>
  key instanceof CryptoKey && key.algorithm.name === 'AES-GCM' && key.usages.includes('decrypt') && !key.extractable;

const isSealed = (value: unknown): value is SealedRecord => {
  const r = value as Partial<SealedRecord> | null;
  return r?.iv instanceof Uint8Array && r.ciphertext instanceof Uint8Array;
};

/** Binds a ciphertext to its record's name: one room's record cannot be passed off as another's. */
const associatedData = (name: string) => new TextEncoder().encode(`parley-unsent|${name}`);

async function withDatabase<T>(factory: IDBFactory, work: (db: IDBDatabase) => Promise<T>): Promise<T> {
  const db = await openDatabase(factory);
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/** The profile's vault key: the stored one, or a new one kept unless another tab kept one first. */
async function vaultKey(factory: IDBFactory): Promise<CryptoKey> {
  const stored = await withDatabase(factory, (db) => request(db.transaction(KEY_STORE).objectStore(KEY_STORE).get(KEY_RECORD)));
  if (isVaultKey(stored)) return stored;
  const made = await crypto.subtle.generateKey(AES, false, ['encrypt', 'decrypt']);
  return withDatabase(factory, async (db) => {
    // One read-write transaction: two tabs making a key at once cannot both win.
    const tx = db.transaction(KEY_STORE, 'readwrite');
    const store = tx.objectStore(KEY_STORE);
    let kept = made;
    const read = store.get(KEY_RECORD);
    read.onsuccess = () => {
      if (isVaultKey(read.result)) kept = read.result;
      else store.put(made, KEY_RECORD);
    };
    await done(tx);
    return kept;
  });
}

/** A vault over `factory` whose records are sealed under `key` (tests pass another key to show it cannot open them). */
export function indexedDbVault(factory: IDBFactory, key: CryptoKey): LocalVault {
  const inRecords = <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T> | T) =>
    withDatabase(factory, async (db) => {
      const tx = db.transaction(RECORD_STORE, mode);
      const result = await work(tx.objectStore(RECORD_STORE));
      await done(tx);
      return result;
    });
  return {
    async read(name) {
      const stored: unknown = await inRecords('readonly', (store) => request(store.get(name)));
      if (stored === undefined) return null;
      if (!isSealed(stored)) throw new Error('The kept record is damaged');
      const { iv, ciphertext } = stored;
      return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: associatedData(name) }, key, ciphertext));
    },
    async write(name, plaintext) {
      // A fresh random nonce for every write: the key seals many records over its life.
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(name) }, key, plaintext as Uint8Array<ArrayBuffer>);
      const record: SealedRecord = { iv, ciphertext: new Uint8Array(sealed) };
      await inRecords('readwrite', (store) => void store.put(record, name));
    },
    remove: (name) => inRecords('readwrite', (store) => void store.delete(name)),
  };
}

/** This profile's vault (database `parley-unsent`); null without a usable IndexedDB, when nothing outlives the page. */
export async function openLocalVault(factory: IDBFactory | undefined = typeof indexedDB === 'undefined' ? undefined : indexedDB): Promise<LocalVault | null> {
  if (!factory) return null;
  try {
    return indexedDbVault(factory, await vaultKey(factory));
  } catch (error) {
    console.warn('[parley] could not open the vault for unsent work in IndexedDB; it lasts for this page only', error);
    return null;
  }
}
