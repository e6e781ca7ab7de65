import { afterEach, describe, expect, it } from 'vitest';
import { importRoomKey, RoomKeyRing, toBase64Url } from '../crypto';
import { RoomSync } from '../sync/roomSync';
import { refusalCodeOf } from '../wire/refusals';
import { TEST_JOIN_KEY, TEST_LINK, testDevice } from '../wire/testing/devices';
import { FakeRelay, type FakeTransport } from '../wire/testing/fakeRelay';
import { refusalCodeOfCall } from '../wire/testing/hubRefusal';
import { sleep, until } from '../wire/testing/waiting';
import { createRoom } from './createRoom';
import { memoryMemberStore, type MemberStore } from './memberStore';

const ROOM = 'Qx7pL2mN9vR4tY8wZ1aB3c';
const RETRY_MS = 20;

const syncs: RoomSync[] = [];
afterEach(async () => {
  await Promise.all(syncs.splice(0).map((s) => s.destroy(100)));
});

async function person(transport: FakeTransport, members: MemberStore = memoryMemberStore(), waitForJoin = true) {
  const keys = new RoomKeyRing({ epoch: 0, key: await importRoomKey(new Uint8Array(32).fill(9)) });
  const sync = new RoomSync({ roomId: ROOM, linkSecret: TEST_LINK,
    device: await testDevice(), keys, transport, members, onProblem: () => {}, retryMs: RETRY_MS });
  syncs.push(sync);
  sync.start();
  if (waitForJoin) await until(() => sync.status.get() === 'connected', 'the join');
  return { sync, members, transport };
}

/** A room with its creator (Ann, who holds the creator token) and two guests. */
async function roomWithGuests() {
  const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
  const annStore = memoryMemberStore();
  annStore.saveCreatorToken(ROOM, relay.creatorToken);
  const ann = await person(relay.connect(), annStore);
  const bob = await person(relay.connect());
  const cat = await person(relay.connect());
  await until(() => ann.sync.online.get().length === 3, 'everyone online at Ann');
  return { relay, ann, bob, cat };
}

/** Waits long enough for several retries, had any been scheduled. */
const noRetries = async (relay: FakeRelay, attempts: number) => {
  await sleep(RETRY_MS * 6);
  expect(relay.joinAttempts).toBe(attempts);
};

describe('creator', () => {
  it('sends the creator token kept by createRoom on join, and becomes the creator', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const store = memoryMemberStore();
    const fakeFetch = (async () =>
      new Response(JSON.stringify({ roomId: ROOM, creatorToken: toBase64Url(relay.creatorToken) }), { status: 201 })) as unknown as typeof fetch;
    await createRoom(fakeFetch, store);
    expect(store.loadCreatorToken(ROOM)).toEqual(relay.creatorToken);

    const ann = await person(relay.connect(), store);
    expect(relay.joins[0].creatorToken).toEqual(relay.creatorToken);
    expect(ann.sync.creatorId.get()).toBe(ann.sync.memberId);
    expect(ann.sync.isCreator.get()).toBe(true);
    // Kept next to the member credentials, which a reload then resumes.
    expect(store.load(ROOM)?.memberId).toBe(ann.sync.memberId);
    expect(store.loadCreatorToken(ROOM)).toEqual(relay.creatorToken);

    ann.transport.disconnect();
    ann.transport.reconnect();
    await until(() => relay.joins.length === 2 && ann.sync.status.get() === 'connected', 'the rejoin');
    expect(relay.joins[1]).toMatchObject({ memberId: ann.sync.memberId, creatorToken: relay.creatorToken });
    expect(ann.sync.isCreator.get()).toBe(true);
  });

  it('sends null without a token, and others learn who the creator is', async () => {
    const { relay, ann, bob } = await roomWithGuests();
    expect(relay.joins[1].creatorToken).toBeNull();
    expect(bob.sync.isCreator.get()).toBe(false);
    expect(bob.sync.creatorId.get()).toBe(ann.sync.memberId);
  });
});

describe('kick', () => {
  it('removes the member everywhere: their room closes but keeps the credentials that mark them, the others drop them', async () => {
    const { relay, ann, bob, cat } = await roomWithGuests();
    const bobId = bob.sync.memberId!;

    await ann.sync.access.kick(bobId);
    expect(relay.kickCalls).toEqual([{ sender: ann.sync.memberId, memberId: bobId }]);
    expect(ann.sync.access.removed.get()).toEqual([bobId]);
    await until(() => bob.sync.closed.get() === 'removed', 'Bob to learn he was removed');
    expect(bob.sync.status.get()).toBe('failed');
    expect(bob.sync.membership.get()).toBeNull();
    // Kept, so that coming back with the same link meets "You were removed" rather than a fresh welcome.
    expect(bob.members.load(ROOM)?.memberId).toBe(bobId);

    await until(() => cat.sync.access.removed.get().includes(bobId), 'Cat to hear of it');
    await until(() => !cat.sync.online.get().includes(bobId) && !ann.sync.online.get().includes(bobId), 'Bob offline');
    // The echo of Ann's own kick does not count twice.
    await sleep(20);
    expect(ann.sync.access.removed.get()).toEqual([bobId]);

    // Bob's connection comes back: his page stays closed and never asks to join again.
    const attempts = relay.joinAttempts;
    bob.transport.reconnect();
    await noRetries(relay, attempts);
    expect(bob.sync.closed.get()).toBe('removed');
  });

  it('closes the room for a kicked member who missed the event, on their next join, without retrying', async () => {
    const { relay, ann, bob } = await roomWithGuests();
    const bobId = bob.sync.memberId!;
    bob.transport.disconnect();
    await ann.sync.access.kick(bobId);

    const attempts = relay.joinAttempts;
    bob.transport.reconnect();
    await until(() => bob.sync.closed.get() === 'removed', 'the refused join');
    expect(bob.sync.failure.get()).toBe('You were removed from this room.');
    expect(bob.members.load(ROOM)?.memberId).toBe(bobId); // kept: the next visit is refused the same way
    await noRetries(relay, attempts + 1);
  });

  it('passes a refusal on with its code and changes nothing', async () => {
    const { relay, ann, bob } = await roomWithGuests();
    const refusal = await bob.sync.access.kick(ann.sync.memberId!).catch((error: unknown) => error);
    expect(refusalCodeOf(refusal)).toBe('not-creator');
    expect(bob.sync.access.removed.get()).toEqual([]);
    expect(relay.kicked.size).toBe(0);
    expect([ann.sync.closed.get(), bob.sync.closed.get()]).toEqual([null, null]);
    expect(bob.sync.status.get()).toBe('connected');
  });
});

describe('terminate', () => {
  it('ends the room for everyone, the creator included, and drops its local data', async () => {
    const { relay, ann, bob, cat } = await roomWithGuests();
    await ann.sync.access.terminate();
    for (const p of [ann, bob, cat]) {
      await until(() => p.sync.closed.get() === 'ended', 'the end');
      expect(p.sync.status.get()).toBe('failed');
      expect(p.members.load(ROOM)).toBeNull();
    }
    expect(ann.members.loadCreatorToken(ROOM)).toBeNull();
    expect(ann.sync.isCreator.get()).toBe(false);

    const attempts = relay.joinAttempts;
    bob.transport.reconnect();
    await noRetries(relay, attempts);
  });

  it('refuses anyone but the creator', async () => {
    const { ann, bob } = await roomWithGuests();
    expect(await refusalCodeOfCall(bob.sync.access.terminate())).toBe('not-creator');
    expect([ann.sync.closed.get(), bob.sync.closed.get()]).toEqual([null, null]);
  });

  it('says the session has ended when joining an ended room, without retrying', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.terminated = true;
    const store = memoryMemberStore();
    store.save(ROOM, { memberId: 'member-1', memberToken: new Uint8Array(16) });
    const { sync } = await person(relay.connect(), store, false);
    await until(() => sync.closed.get() === 'ended', 'the refused join');
    expect(sync.failure.get()).toBe('This session has ended.');
    expect(store.load(ROOM)).toBeNull();
    await noRetries(relay, 1);
  });
});
