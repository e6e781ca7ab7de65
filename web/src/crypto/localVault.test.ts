import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { indexedDbVault, openLocalVault, type SealedRecord } from './localVault';

const MARKER = 'KEPT-PLAINTEXT-MARKER-7f3a';
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) => (data ? new TextDecoder().decode(data) : null);

/** Every record as IndexedDB holds it, bypassing the vault. */
async function rawRecords(factory: IDBFactory): Promise<SealedRecord[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = factory.open('parley-unsent');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    return await new Promise((resolve, reject) => {
      const read = db.transaction('records').objectStore('records').getAll();
      read.onsuccess = () => resolve(read.result as SealedRecord[]);
      read.onerror = () => reject(read.error);
    });
  } finally {
    db.close();
  }
}

const containsMarker = (data: Uint8Array) => Buffer.from(data).includes(Buffer.from(MARKER));

describe('the vault for unsent work', () => {
  it('gives back what was written, also after the page is opened again', async () => {
    const factory = new IDBFactory();
    const first = await openLocalVault(factory);
    await first!.write('room/chat', bytes(`hello ${MARKER}`));
    const again = await openLocalVault(factory); // the same profile's key, read from IndexedDB
    expect(text(await again!.read('room/chat'))).toBe(`hello ${MARKER}`);
    expect(await again!.read('room/edits')).toBeNull();
  });

  it('lists the names of the records under a prefix, and only those', async () => {
    const vault = await openLocalVault(new IDBFactory());
    for (const name of ['room/chat/tab1', 'room/chat/tab2', 'room/edits/tab1', 'other/chat/tab1']) await vault!.write(name, bytes(name));
    expect((await vault!.names('room/chat')).sort()).toEqual(['room/chat/tab1', 'room/chat/tab2']);
    await vault!.remove('room/chat/tab1');
    expect(await vault!.names('room/chat')).toEqual(['room/chat/tab2']);
    expect(await vault!.names('nothing')).toEqual([]);
  });

  it('replaces a record and removes others in one go, or removes them all', async () => {
    const vault = await openLocalVault(new IDBFactory());
    for (const name of ['room/chat/mine', 'room/chat/closed1', 'room/chat/closed2', 'room/chat/open']) await vault!.write(name, bytes(name));
    await vault!.replace('room/chat/mine', bytes('mine and what the closed tabs left'), ['room/chat/closed1', 'room/chat/closed2']);
    expect((await vault!.names('room/chat')).sort()).toEqual(['room/chat/mine', 'room/chat/open']);
    expect(text(await vault!.read('room/chat/mine'))).toBe('mine and what the closed tabs left');
    await vault!.replace('room/chat/mine', null, ['room/chat/open']);
    expect(await vault!.names('room/chat')).toEqual([]);
  });

  it('holds no plaintext: IndexedDB keeps only an iv and an AES-GCM ciphertext', async () => {
    const factory = new IDBFactory();
    const vault = await openLocalVault(factory);
    await vault!.write('room/chat', bytes(`{"text":"${MARKER}"}`));
    const [record] = await rawRecords(factory);
    expect(Object.keys(record).sort()).toEqual(['ciphertext', 'iv']);
    expect(record.iv).toHaveLength(12);
    expect(containsMarker(record.ciphertext)).toBe(false);
  });

  it('keeps its key non-extractable, so no script can read it out', async () => {
    const factory = new IDBFactory();
    await openLocalVault(factory);
    const db = await new Promise<IDBDatabase>((resolve) => {
      const open = factory.open('parley-unsent');
      open.onsuccess = () => resolve(open.result);
    });
    const key = await new Promise<CryptoKey>((resolve) => {
      const read = db.transaction('key').objectStore('key').get('self');
      read.onsuccess = () => resolve(read.result as CryptoKey);
    });
    db.close();
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });

  it('cannot be opened under another key, nor under another record name', async () => {
    const factory = new IDBFactory();
    const vault = await openLocalVault(factory);
    await vault!.write('room-a/chat', bytes(MARKER));
    const otherKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    await expect(indexedDbVault(factory, otherKey).read('room-a/chat')).rejects.toThrow();

    // A record moved under another room's name does not open there either.
    const [record] = await rawRecords(factory);
    const db = await new Promise<IDBDatabase>((resolve) => {
      const open = factory.open('parley-unsent');
      open.onsuccess = () => resolve(open.result);
    });
    await new Promise<void>((resolve) => {
      const tx = db.transaction('records', 'readwrite');
      tx.objectStore('records').put(record, 'room-b/chat');
      tx.oncomplete = () => resolve();
    });
    db.close();
    await expect(vault!.read('room-b/chat')).rejects.toThrow();
  });

  it('deletes a record once removed', async () => {
    const factory = new IDBFactory();
    const vault = await openLocalVault(factory);
    await vault!.write('room/edits', bytes('x'));
    await vault!.remove('room/edits');
    expect(await vault!.read('room/edits')).toBeNull();
    expect(await rawRecords(factory)).toEqual([]);
  });

  it('keeps nothing where there is no IndexedDB', async () => {
    expect(await openLocalVault(undefined)).toBeNull();
  });
});
