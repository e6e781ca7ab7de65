// This browser profile's device keys (DESIGN.md section 4): made once, kept in IndexedDB. The
// private halves are non-extractable CryptoKeys: IndexedDB stores them by structured clone, so
// they never exist as bytes a page script (or an XSS) could read out and carry away.
import { openDatabase, request } from '../storage/indexedDb';

const RSA_BITS = 3072;
const RSA_PARAMS: RsaHashedKeyGenParams = {
  name: 'RSA-OAEP',
  modulusLength: RSA_BITS,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const EC_PARAMS: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

export interface DeviceIdentity {
  /** SPKI DER of the RSA-OAEP public key: members wrap room keys for this device with it. */
  readonly wrapKey: Uint8Array<ArrayBuffer>;
  /** SPKI DER of the ECDSA P-256 public key: members check this device's grants with it. */
  readonly signKey: Uint8Array<ArrayBuffer>;
  /** Private RSA-OAEP key (non-extractable): unwraps room keys granted to this device. */
  readonly unwrapping: CryptoKey;
  /** Private ECDSA key (non-extractable): signs the grants this device makes. */
  readonly signing: CryptoKey;
}

/** Where the identity lives between visits. */
export interface DeviceStore {
  load(): Promise<DeviceIdentity | null>;
  /** Keeps `device` unless another tab stored one first; returns the one kept, which every tab then uses. */
  keep(device: DeviceIdentity): Promise<DeviceIdentity>;
}

export async function createDeviceIdentity(): Promise<DeviceIdentity> {
  const [wrap, sign] = await Promise.all([
    crypto.subtle.generateKey(RSA_PARAMS, false, ['wrapKey', 'unwrapKey']),
    crypto.subtle.generateKey(EC_PARAMS, false, ['sign', 'verify']),
  ]);
  const spki = async (key: CryptoKey) => new Uint8Array(await crypto.subtle.exportKey('spki', key));
  return {
    wrapKey: await spki(wrap.publicKey),
    signKey: await spki(sign.publicKey),
    unwrapping: wrap.privateKey,
    signing: sign.privateKey,
  };
}

/** Checks a stored record's shape: a damaged or foreign record must not pass for keys. */
export function isDeviceIdentity(value: unknown): value is DeviceIdentity {
  const d = value as Partial<DeviceIdentity> | null;
  const isPrivate = (key: unknown, algorithm: string, usage: KeyUsage) =>
    key instanceof CryptoKey && key.type === 'private' && key.algorithm.name === algorithm && key.usages.includes(usage);
  return (
    d?.wrapKey instanceof Uint8Array &&
    d.signKey instanceof Uint8Array &&
    isPrivate(d.unwrapping, 'RSA-OAEP', 'unwrapKey') &&
    isPrivate(d.signing, 'ECDSA', 'sign')
  );
}

const DB_NAME = 'parley';
const DB_STORE = 'device';
const RECORD = 'self';

const openDeviceDatabase = (factory: IDBFactory) => openDatabase(factory, DB_NAME, (db) => db.createObjectStore(DB_STORE));

/** The browser profile's IndexedDB (database `parley`, store `device`). */
export function indexedDbDeviceStore(factory: IDBFactory = indexedDB): DeviceStore {
  return {
    async load() {
      const db = await openDeviceDatabase(factory);
      try {
        const stored: unknown = await request(db.transaction(DB_STORE).objectStore(DB_STORE).get(RECORD));
        return isDeviceIdentity(stored) ? stored : null;
      } finally {
        db.close();
      }
    },
    async keep(device) {
      const db = await openDeviceDatabase(factory);
      try {
        // One read-write transaction: two tabs making an identity at once cannot both win.
        return await new Promise<DeviceIdentity>((resolve, reject) => {
          const tx = db.transaction(DB_STORE, 'readwrite');
          const store = tx.objectStore(DB_STORE);
          let kept = device;
          const read = store.get(RECORD);
          read.onsuccess = () => {
            if (isDeviceIdentity(read.result)) kept = read.result;
            else store.put(device, RECORD);
          };
          tx.oncomplete = () => resolve(kept);
          tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
        });
      } finally {
        db.close();
      }
    },
  };
}

/**
 * This profile's identity: the stored one, or a new one that is stored for next time. Without a
 * usable IndexedDB (blocked storage, some private modes) the identity lasts for this page only,
 * and the room then treats a reload as a new device.
 */
export async function loadDeviceIdentity(store: DeviceStore | null = typeof indexedDB === 'undefined' ? null : indexedDbDeviceStore()): Promise<DeviceIdentity> {
  const stored = await store?.load().catch((error: unknown) => {
    console.warn('[parley] could not read the device keys from IndexedDB', error);
    return null;
  });
  if (stored) return stored;
  const made = await createDeviceIdentity();
  if (!store) return made;
  return store.keep(made).catch((error: unknown) => {
    console.warn('[parley] could not keep the device keys in IndexedDB; they last for this page only', error);
    return made;
  });
}
