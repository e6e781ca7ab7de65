// Work this browser has not delivered yet (unacknowledged edits, unsent chat) kept across a closed
// tab or a browser restart, encrypted at rest. The key is an AES-256-GCM CryptoKey made once per
// browser profile and stored, non-extractable, in IndexedDB (like the device identity): it never
// exists as bytes, never leaves the browser, and a copy of the database files alone reads nothing.
import { inStore, openDatabase, request } from '../storage/indexedDb';

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
  /**
   * In one transaction: writes `name` (or removes it, for null) and removes `others`. Work moved
   * from other records into this one is then never in two records, nor in none.
   */
  replace(name: string, plaintext: Uint8Array | null, others: string[]): Promise<void>;
  /** The names of the records whose names start with `prefix`. */
  names(prefix: string): Promise<string[]>;
}

const openVaultDatabase = (factory: IDBFactory) =>
  openDatabase(factory, DB_NAME, (db) => {
    db.createObjectStore(KEY_STORE);
    db.createObjectStore(RECORD_STORE);
  });

const isVaultKey = (key: unknown): key is CryptoKey =>
  key instanceof CryptoKey && key.algorithm.name === 'AES-GCM' && key.usages.includes('decrypt') && !key.extractable;

const isSealed = (value: unknown): value is SealedRecord => {
  const r = value as Partial<SealedRecord> | null;
  return r?.iv instanceof Uint8Array && r.ciphertext instanceof Uint8Array;
};

/** Binds a ciphertext to its record's name: one room's record cannot be passed off as another's. */
const associatedData = (name: string) => new TextEncoder().encode(`parley-unsent|${name}`);

/** The profile's vault key: the stored one, or a new one kept unless another tab kept one first. */
async function vaultKey(db: IDBDatabase): Promise<CryptoKey> {
  const stored = await inStore(db, KEY_STORE, 'readonly', (store) => request(store.get(KEY_RECORD)));
  if (isVaultKey(stored)) return stored;
  const made = await crypto.subtle.generateKey(AES, false, ['encrypt', 'decrypt']);
  // One read-write transaction: two tabs making a key at once cannot both win.
  let kept = made;
  await inStore(db, KEY_STORE, 'readwrite', (store) => {
    const read = store.get(KEY_RECORD);
    read.onsuccess = () => {
      if (isVaultKey(read.result)) kept = read.result;
      else store.put(made, KEY_RECORD);
    };
  });
  return kept;
}

/**
 * The vault's database, opened once and kept open: the vault is written a few times a second while
 * someone types. It closes when another tab needs to upgrade it, and opens again at the next use.
 */
function keptOpen(factory: IDBFactory): () => Promise<IDBDatabase> {
  let db: Promise<IDBDatabase> | null = null;
  return () =>
    (db ??= openVaultDatabase(factory).then((opened) => {
      opened.onversionchange = opened.onclose = () => {
        opened.close();
        db = null;
      };
      return opened;
    }, (error: unknown) => {
      db = null;
      throw error;
    }));
}

/** A vault over `factory` whose records are sealed under `key` (tests pass another key to show it cannot open them). */
export function indexedDbVault(factory: IDBFactory, key: CryptoKey, database = keptOpen(factory)): LocalVault {
  const inRecords = async <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T> | T) =>
    inStore(await database(), RECORD_STORE, mode, work);
  // A fresh random nonce for every write: the key seals many records over its life.
  const seal = async (name: string, plaintext: Uint8Array): Promise<SealedRecord> => {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(name) }, key, plaintext as Uint8Array<ArrayBuffer>);
    return { iv, ciphertext: new Uint8Array(sealed) };
  };
  return {
    async read(name) {
      const stored: unknown = await inRecords('readonly', (store) => request(store.get(name)));
      if (stored === undefined) return null;
      if (!isSealed(stored)) throw new Error('The kept record is damaged');
      const { iv, ciphertext } = stored;
      return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: associatedData(name) }, key, ciphertext));
    },
    async write(name, plaintext) {
      const record = await seal(name, plaintext);
      await inRecords('readwrite', (store) => void store.put(record, name));
    },
    remove: (name) => inRecords('readwrite', (store) => void store.delete(name)),
    async replace(name, plaintext, others) {
      const record = plaintext && (await seal(name, plaintext)); // sealed first: the transaction must not wait
      await inRecords('readwrite', (store) => {
        if (record) store.put(record, name);
        else store.delete(name);
        for (const other of others) store.delete(other);
      });
    },
    async names(prefix) {
      // A few records per room and tab: all keys, then filtered, needs no key range.
      const keys = await inRecords('readonly', (store) => request(store.getAllKeys()));
      return keys.filter((key): key is string => typeof key === 'string' && key.startsWith(prefix));
    },
  };
}

/** This profile's vault (database `parley-unsent`); null without a usable IndexedDB, when nothing outlives the page. */
export async function openLocalVault(factory: IDBFactory | undefined = typeof indexedDB === 'undefined' ? undefined : indexedDB): Promise<LocalVault | null> {
  if (!factory) return null;
  try {
    const database = keptOpen(factory);
    return indexedDbVault(factory, await vaultKey(await database()), database);
  } catch (error) {
    console.warn('[parley] could not open the vault for unsent work in IndexedDB; it lasts for this page only', error);
    return null;
  }
}
