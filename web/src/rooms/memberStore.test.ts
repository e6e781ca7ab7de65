import { afterEach, describe, expect, it, vi } from 'vitest';
import { localStorageMemberStore, memoryMemberStore } from './memberStore';

function fakeStorage(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
    get length() {
      return data.size;
    },
  } as Storage;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('member store', () => {
  it('keeps the creator token next to the member credentials, in one entry per room', () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    const store = localStorageMemberStore;
    const creatorToken = new Uint8Array(32).fill(7);
    store.saveCreatorToken('room-a', creatorToken);
    store.save('room-a', { memberId: 'm1', memberToken: new Uint8Array([1, 2, 3]) });
    store.save('room-b', { memberId: 'm9', memberToken: new Uint8Array([9]) });

    expect(store.loadCreatorToken('room-a')).toEqual(creatorToken); // saving credentials kept it
    expect(store.load('room-a')).toEqual({ memberId: 'm1', memberToken: new Uint8Array([1, 2, 3]) });
    expect(JSON.parse(storage.getItem('parley.member.room-a')!)).toEqual({ memberId: 'm1', memberToken: 'AQID', creatorToken: expect.any(String) });
    expect(store.loadCreatorToken('room-b')).toBeNull();

    store.forget('room-a');
    expect(store.load('room-a')).toBeNull();
    expect(store.loadCreatorToken('room-a')).toBeNull();
    expect(storage.getItem('parley.member.room-a')).toBeNull();
    expect(store.load('room-b')?.memberId).toBe('m9'); // other rooms untouched
  });

  it('reads entries written before creator tokens existed, and treats damaged ones as none', () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    storage.setItem('parley.member.old', JSON.stringify({ memberId: 'm1', memberToken: 'AQID' }));
    storage.setItem('parley.member.bad', '{not json');
    storage.setItem('parley.member.worse', JSON.stringify({ memberId: 'm2', memberToken: '!!', creatorToken: 5 }));
    expect(localStorageMemberStore.load('old')?.memberId).toBe('m1');
    expect(localStorageMemberStore.loadCreatorToken('old')).toBeNull();
    expect(localStorageMemberStore.load('bad')).toBeNull();
    expect(localStorageMemberStore.load('worse')).toBeNull();
    expect(localStorageMemberStore.loadCreatorToken('worse')).toBeNull();
  });

  it('in memory, forgets a room as a whole too', () => {
    const store = memoryMemberStore();
    store.saveCreatorToken('r', new Uint8Array(32));
    store.save('r', { memberId: 'm', memberToken: new Uint8Array(1) });
    store.forget('r');
    expect([store.load('r'), store.loadCreatorToken('r')]).toEqual([null, null]);
  });
});
