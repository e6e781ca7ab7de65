import { afterEach, describe, expect, it, vi } from 'vitest';
import { importRoomKey, RoomKeyRing } from '../crypto';
import { RoomSync } from '../sync/roomSync';
import { refusalCodeOf } from '../wire/refusals';
import { TEST_JOIN_KEY, TEST_LINK, testDevice } from '../wire/testing/devices';
import { FakeRelay, type FakeTransport } from '../wire/testing/fakeRelay';
import { sleep, until } from '../wire/testing/waiting';
import { localStorageMemberStore, memoryMemberStore, type MemberStore } from './memberStore';
import { newPasswordProblem } from './roomProtection';

const ROOM = 'Qx7pL2mN9vR4tY8wZ1aB3c';
const RETRY_MS = 20;
const PASSWORD = 'correct horse battery';

const syncs: RoomSync[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  await Promise.all(syncs.splice(0).map((s) => s.destroy(100)));
});

async function person(transport: FakeTransport, members: MemberStore = memoryMemberStore()) {
  const keys = new RoomKeyRing({ epoch: 0, key: await importRoomKey(new Uint8Array(32).fill(9)) });
  const sync = new RoomSync({ roomId: ROOM, linkSecret: TEST_LINK,
    device: await testDevice(), keys, transport, members, onProblem: () => {}, retryMs: RETRY_MS });
  syncs.push(sync);
  sync.start();
  return { sync, members, transport };
}

const joined = async (transport: FakeTransport, members?: MemberStore) => {
  const p = await person(transport, members);
  await until(() => p.sync.status.get() === 'connected', 'the join');
  return p;
};

/** Waits long enough for several retries, had any been scheduled. */
const noRetries = async (relay: FakeRelay, attempts: number) => {
  await sleep(RETRY_MS * 6);
  expect(relay.joinAttempts).toBe(attempts);
};

/** A room whose creator (Ann) is in; `password` already protects it. */
async function protectedRoom(password: string | null = PASSWORD) {
  const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
  const annStore = memoryMemberStore();
  annStore.saveCreatorToken(ROOM, relay.creatorToken);
  const ann = await joined(relay.connect(), annStore);
  if (password) await ann.sync.protection.set(password);
  return { relay, ann };
}

describe('joining a protected room', () => {
  it('asks for the password and retries nothing by itself, not even after a reconnect', async () => {
    const { relay } = await protectedRoom();
    const attempts = relay.joinAttempts;
    const guest = await person(relay.connect());
    await until(() => guest.sync.protection.prompt.get() !== null, 'the prompt');
    expect(guest.sync.protection.prompt.get()).toEqual({ error: null, checking: false });
    expect(guest.sync.protection.isProtected.get()).toBe(true);
    expect([guest.sync.status.get(), guest.sync.failure.get(), guest.sync.membership.get()]).toEqual(['connecting', null, null]);
    await noRetries(relay, attempts + 1);

    guest.transport.disconnect();
    guest.transport.reconnect();
    await noRetries(relay, attempts + 1);
    expect(guest.sync.protection.prompt.get()).not.toBeNull();
  });

  it('shows the server\'s words for a wrong password, then lets the right one in; later joins need none', async () => {
    const { relay } = await protectedRoom();
    const guest = await person(relay.connect());
    await until(() => guest.sync.protection.prompt.get() !== null, 'the prompt');

    guest.sync.protection.enter('not the password');
    expect(guest.sync.protection.prompt.get()).toEqual({ error: null, checking: true });
    await until(() => guest.sync.protection.prompt.get()?.error != null, 'the refusal');
    expect(guest.sync.protection.prompt.get()).toEqual({ error: 'Wrong room password.', checking: false });
    expect(relay.wrongPasswords).toBe(1);
    const attempts = relay.joinAttempts;
    await noRetries(relay, attempts); // a wrong password re-sent would count against the limit

    guest.sync.protection.enter(PASSWORD);
    await until(() => guest.sync.status.get() === 'connected', 'admission');
    expect(guest.sync.protection.prompt.get()).toBeNull();
    expect(guest.sync.protection.isProtected.get()).toBe(true);
    expect(relay.joins.at(-1)).toMatchObject({ memberId: null, password: PASSWORD });

    // Resumes by its member credentials: the password has been let go of.
    guest.transport.disconnect();
    guest.transport.reconnect();
    await until(() => relay.joins.length === 3 && guest.sync.status.get() === 'connected', 'the rejoin');
    expect(relay.joins[2]).toMatchObject({ memberId: guest.sync.memberId, password: null });
    // A reload in the same browser too.
    const again = await joined(relay.connect(), guest.members);
    expect(again.sync.memberId).toBe(guest.sync.memberId);
  });

  it('keeps a password typed while offline and tries it once the connection is back', async () => {
    const { relay } = await protectedRoom();
    const guest = await person(relay.connect());
    await until(() => guest.sync.protection.prompt.get() !== null, 'the prompt');
    guest.transport.disconnect();
    guest.sync.protection.enter(PASSWORD);
    guest.transport.reconnect();
    await until(() => guest.sync.status.get() === 'connected', 'admission');
    expect(relay.joins.at(-1)?.password).toBe(PASSWORD);
  });

  it('says when there were too many tries', async () => {
    const { relay } = await protectedRoom();
    relay.wrongPasswords = 5;
    const guest = await person(relay.connect());
    await until(() => guest.sync.protection.prompt.get() !== null, 'the prompt');
    guest.sync.protection.enter(PASSWORD);
    await until(() => guest.sync.protection.prompt.get()?.error != null, 'the refusal');
    expect(guest.sync.protection.prompt.get()?.error).toBe('Too many password attempts: wait a little, then try again.');
    expect(guest.sync.status.get()).toBe('connecting');
  });

  it('never writes the password to localStorage', async () => {
    const storage = new Map<string, string>();
    vi.stubGlobal('localStorage', {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    });
    const { relay } = await protectedRoom();
    const guest = await person(relay.connect(), localStorageMemberStore);
    await until(() => guest.sync.protection.prompt.get() !== null, 'the prompt');
    guest.sync.protection.enter(PASSWORD);
    await until(() => guest.sync.status.get() === 'connected', 'admission');
    expect(storage.size).toBe(1); // the member credentials
    expect([...storage.values()].join()).not.toContain(PASSWORD);
  });
});

describe('setting the room password', () => {
  it('lets the creator protect the room and unprotect it; everyone sees the lock follow', async () => {
    const { relay, ann } = await protectedRoom(null);
    const bob = await joined(relay.connect());
    expect([ann.sync.protection.isProtected.get(), bob.sync.protection.isProtected.get()]).toEqual([false, false]);

    await ann.sync.protection.set(PASSWORD);
    expect(ann.sync.protection.isProtected.get()).toBe(true);
    await until(() => bob.sync.protection.isProtected.get(), 'the lock at Bob');
    expect(relay.password).toBe(PASSWORD);
    // Bob got in before: he and the creator are not asked on their rejoins.
    for (const p of [ann, bob]) {
      p.transport.disconnect();
      p.transport.reconnect();
    }
    await until(() => ann.sync.status.get() === 'connected' && bob.sync.status.get() === 'connected', 'the rejoins');
    expect(bob.sync.protection.prompt.get()).toBeNull();

    await ann.sync.protection.set(null);
    await until(() => !bob.sync.protection.isProtected.get(), 'the lock gone at Bob');
    expect(ann.sync.protection.isProtected.get()).toBe(false);
    const cat = await joined(relay.connect());
    expect(cat.sync.protection.isProtected.get()).toBe(false);
  });

  it('learns of protection from the join result', async () => {
    const { relay } = await protectedRoom();
    const store = memoryMemberStore();
    const bob = await person(relay.connect(), store);
    await until(() => bob.sync.protection.prompt.get() !== null, 'the prompt');
    bob.sync.protection.enter(PASSWORD);
    await until(() => bob.sync.status.get() === 'connected', 'admission');
    relay.password = null; // changed while Bob was away, so no event reached him
    bob.transport.disconnect();
    bob.transport.reconnect();
    await until(() => !bob.sync.protection.isProtected.get(), 'the join to say it is open');
  });

  it('refuses a too short password and anyone but the creator, each with its code', async () => {
    const { relay, ann } = await protectedRoom(null);
    const bob = await joined(relay.connect());
    const short = await ann.sync.protection.set('short').catch((e: unknown) => e);
    expect(refusalCodeOf(short)).toBe('password-invalid');
    const notCreator = await bob.sync.protection.set(PASSWORD).catch((e: unknown) => e);
    expect(refusalCodeOf(notCreator)).toBe('not-creator');
    expect(relay.password).toBeNull();
    expect([ann.sync.protection.isProtected.get(), bob.sync.protection.isProtected.get()]).toEqual([false, false]);
  });
});

describe('new room passwords', () => {
  it('names a new password that is too short or too long', () => {
    expect(newPasswordProblem('1234567')).toBe('Use at least 8 characters.');
    expect(newPasswordProblem('12345678')).toBeNull();
    expect(newPasswordProblem('x'.repeat(129))).toBe('Use at most 128 characters.');
  });
});
