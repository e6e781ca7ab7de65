import { afterEach, describe, expect, it } from 'vitest';
import { decryptEnvelope, deriveRoomSecrets, importRoomKey, RoomKeyRing } from '../crypto';
import { RoomSync } from '../sync/roomSync';
import { refusalCodeOf } from '../wire/refusals';
import { TEST_JOIN_KEY, TEST_LINK, testDevice } from '../wire/testing/devices';
import { FakeRelay, type FakeTransport } from '../wire/testing/fakeRelay';
import { sleep, until } from '../wire/testing/waiting';
import { Value } from '../state/value';
import type { LocalProfile } from './identity';
import { memoryMemberStore, type MemberStore } from './memberStore';
import { openProfile, sealProfile, UNKNOWN_NAME } from './roomLobby';

const ROOM = 'Qx7pL2mN9vR4tY8wZ1aB3c';
const RETRY_MS = 20;
const BOB: LocalProfile = { name: 'Guest Otter', color: '#34d399' };
const CAT: LocalProfile = { name: 'Guest Lynx', color: '#f87171' };

const linkLobbyKey = async () => (await deriveRoomSecrets(TEST_LINK)).lobbyKey;
const ring = async () => new RoomKeyRing({ epoch: 0, key: await importRoomKey(new Uint8Array(32).fill(9)) });
const syncs: RoomSync[] = [];
afterEach(async () => {
  await Promise.all(syncs.splice(0).map((s) => s.destroy(100)));
});

async function person(transport: FakeTransport, profile?: LocalProfile, members: MemberStore = memoryMemberStore()) {
  const sync = new RoomSync({ roomId: ROOM, linkSecret: TEST_LINK,
    device: await testDevice(), keys: await ring(), transport, members, profile: profile && new Value(profile), onProblem: () => {}, retryMs: RETRY_MS });
  syncs.push(sync);
  sync.start();
  return { sync, members, transport };
}

/** A room whose creator (Ann) is in, with the lobby on unless told otherwise. */
async function room(lobby = true) {
  const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
  const store = memoryMemberStore();
  store.saveCreatorToken(ROOM, relay.creatorToken);
  const ann = await person(relay.connect(), { name: 'Ann', color: '#60a5fa' }, store);
  await until(() => ann.sync.status.get() === 'connected', 'the creator');
  if (lobby) await ann.sync.lobby.set(true);
  return { relay, ann };
}

const waitingFor = async (p: { sync: RoomSync }) => until(() => p.sync.lobby.waiting.get(), 'the lobby');
const names = (sync: RoomSync) => sync.lobby.requests.get().map((r) => r.name);

describe('the member profile', () => {
  it('is sealed as member-profile with the empty sender under the lobby key, epoch 0, and opens only so', async () => {
    const lobbyKey = await linkLobbyKey();
    const envelope = await sealProfile(lobbyKey, ROOM, BOB);
    expect(envelope.epoch).toBe(0);
    expect(await openProfile(lobbyKey, ROOM, envelope)).toEqual(BOB);
    const plain = await decryptEnvelope(lobbyKey, { roomId: ROOM, kind: 'member-profile', sender: '' }, envelope);
    expect(JSON.parse(new TextDecoder().decode(plain))).toEqual({ name: BOB.name, color: BOB.color });
    await expect(decryptEnvelope(lobbyKey, { roomId: ROOM, kind: 'member-profile', sender: 'member-2' }, envelope)).rejects.toThrow();
    await expect(decryptEnvelope(lobbyKey, { roomId: 'another-room', kind: 'member-profile', sender: '' }, envelope)).rejects.toThrow();
    // Not the room key: a joiner has none yet.
    await expect(openProfile(await importRoomKey(new Uint8Array(32).fill(9)), ROOM, envelope)).rejects.toThrow();
  });

  it('goes with every join, sealed afresh', async () => {
    const { relay } = await room(false);
    const bob = await person(relay.connect(), BOB);
    await until(() => bob.sync.status.get() === 'connected', 'the join');
    bob.transport.disconnect();
    bob.transport.reconnect();
    await until(() => relay.joins.length === 3 && bob.sync.status.get() === 'connected', 'the rejoin');
    const [first, second] = relay.joins.slice(1).map((j) => j.profile!);
    expect(await openProfile(await linkLobbyKey(), ROOM, first)).toEqual(BOB);
    expect(first.iv).not.toEqual(second.iv);
  });
});

describe('waiting in the lobby', () => {
  it('keeps the credentials, is not joined, and retries nothing', async () => {
    const { relay } = await room();
    const bob = await person(relay.connect(), BOB);
    await waitingFor(bob);
    expect([bob.sync.status.get(), bob.sync.failure.get(), bob.sync.membership.get(), bob.sync.closed.get()]).toEqual(['connecting', null, null, null]);
    expect(bob.members.load(ROOM)?.memberId).toBe('member-2');
    const attempts = relay.joinAttempts;
    await sleep(RETRY_MS * 6);
    expect(relay.joinAttempts).toBe(attempts);
    expect(relay.online()).toEqual(['member-1']);
  });

  it('joins with its credentials once admitted, and gets the room', async () => {
    const { relay, ann } = await room();
    ann.sync.text.insert(0, 'hello');
    await until(() => relay.updates.length === 1, 'the edit');
    const bob = await person(relay.connect(), BOB);
    await until(() => ann.sync.lobby.requests.get().length === 1, 'the request');
    await ann.sync.lobby.decide('member-2', true);
    await until(() => bob.sync.status.get() === 'connected', 'admission');
    expect(bob.sync.lobby.waiting.get()).toBe(false);
    expect(bob.sync.text.toString()).toBe('hello');
    expect(bob.sync.memberId).toBe('member-2');
    expect(relay.joins.at(-1)).toMatchObject({ memberId: 'member-2' });
    expect(bob.sync.lobby.isOn.get()).toBe(true);
  });

  it('is told once refused, for good: the room is closed and nothing retries', async () => {
    const { relay, ann } = await room();
    const bob = await person(relay.connect(), BOB);
    await until(() => ann.sync.lobby.requests.get().length === 1, 'the request');
    await ann.sync.lobby.decide('member-2', false);
    await until(() => bob.sync.closed.get() === 'refused', 'the refusal');
    expect([bob.sync.status.get(), bob.sync.failure.get(), bob.sync.lobby.waiting.get()]).toEqual(['failed', 'The creator did not let you in.', false]);
    const attempts = relay.joinAttempts;
    bob.transport.disconnect();
    bob.transport.reconnect();
    await sleep(RETRY_MS * 6);
    expect(relay.joinAttempts).toBe(attempts);
    // Its credentials are kept: coming back hears the same answer, not a fresh wait.
    const again = await person(relay.connect(), BOB, bob.members);
    await until(() => again.sync.closed.get() === 'refused', 'the refusal on return');
    expect(relay.waiting.size).toBe(0);
  });

  it('stays waiting across a reconnect, and the creator hears of it once', async () => {
    const { relay, ann } = await room();
    const bob = await person(relay.connect(), BOB);
    await waitingFor(bob);
    bob.transport.disconnect();
    bob.transport.reconnect();
    await until(() => relay.joins.length === 3, 'the second knock');
    await sleep(10);
    expect(bob.sync.lobby.waiting.get()).toBe(true);
    expect(names(ann.sync)).toEqual([BOB.name]);
  });
});

describe("the creator's join requests", () => {
  it('come from events and from the join result, by name, one per member', async () => {
    const { relay, ann } = await room();
    const bob = await person(relay.connect(), BOB);
    await until(() => names(ann.sync).length === 1, 'the event');
    expect(ann.sync.lobby.requests.get()).toEqual([{ memberId: 'member-2', name: BOB.name, color: BOB.color }]);
    await waitingFor(bob);

    // Someone whose profile does not open (another link's lobby key, or none) is "Someone".
    const foreign = (await deriveRoomSecrets(new Uint8Array(32).fill(1))).lobbyKey;
    relay.waiting.set('member-9', { memberId: 'member-9', profile: await sealProfile(foreign, ROOM, CAT) });
    relay.waiting.set('member-10', { memberId: 'member-10', profile: null });
    ann.transport.disconnect();
    ann.transport.reconnect();
    await until(() => names(ann.sync).length === 3, 'the listed requests');
    expect(names(ann.sync)).toEqual([BOB.name, UNKNOWN_NAME, UNKNOWN_NAME]);

    const cat = await person(relay.connect(), CAT);
    await until(() => names(ann.sync).length === 4, 'the next event');
    await waitingFor(cat);
    expect(names(ann.sync)).toEqual([BOB.name, UNKNOWN_NAME, UNKNOWN_NAME, CAT.name]);
  });

  it('vanish once decided, and show a refusal in the server\'s words', async () => {
    const { relay, ann } = await room();
    const bob = await person(relay.connect(), BOB);
    await waitingFor(bob); // Bob's join first: it is member-2, whatever the sealing of each profile takes
    const cat = await person(relay.connect(), CAT);
    await until(() => names(ann.sync).length === 2, 'both requests');
    await ann.sync.lobby.decide('member-2', true);
    expect(names(ann.sync)).toEqual([CAT.name]);
    await ann.sync.lobby.decide('member-3', false);
    expect(names(ann.sync)).toEqual([]);
    expect(relay.decideCalls).toEqual([
      { sender: 'member-1', memberId: 'member-2', admit: true },
      { sender: 'member-1', memberId: 'member-3', admit: false },
    ]);
    await until(() => bob.sync.status.get() === 'connected' && cat.sync.closed.get() === 'refused', 'both outcomes');
    // Bob's MemberJoined must not bring his request back.
    await sleep(10);
    expect(names(ann.sync)).toEqual([]);

    const stale = await ann.sync.lobby.decide('member-3', true).catch((e: unknown) => e);
    expect(refusalCodeOf(stale)).toBe('not-waiting');
  });

  it('are the creator\'s alone to decide', async () => {
    const { relay, ann } = await room(false);
    const bob = await person(relay.connect(), BOB);
    await until(() => bob.sync.status.get() === 'connected', 'Bob');
    await ann.sync.lobby.set(true);
    const cat = await person(relay.connect(), CAT);
    await waitingFor(cat);
    expect(names(bob.sync)).toEqual([]);
    const refused = await bob.sync.lobby.decide('member-3', true).catch((e: unknown) => e);
    expect(refusalCodeOf(refused)).toBe('not-creator');
    expect(relay.waiting.has('member-3')).toBe(true);
  });
});

describe('the lobby toggle', () => {
  it('lets the creator turn it on and off; everyone learns it', async () => {
    const { relay, ann } = await room(false);
    const bob = await person(relay.connect(), BOB);
    await until(() => bob.sync.status.get() === 'connected', 'Bob');
    expect([ann.sync.lobby.isOn.get(), bob.sync.lobby.isOn.get()]).toEqual([false, false]);
    await ann.sync.lobby.set(true);
    expect(ann.sync.lobby.isOn.get()).toBe(true);
    await until(() => bob.sync.lobby.isOn.get(), 'LobbyChanged at Bob');
    // Members already in, and the creator, come back in on their rejoins.
    for (const p of [ann, bob]) {
      p.transport.disconnect();
      p.transport.reconnect();
    }
    await until(() => ann.sync.status.get() === 'connected' && bob.sync.status.get() === 'connected', 'the rejoins');
    expect([ann.sync.lobby.isOn.get(), bob.sync.lobby.isOn.get()]).toEqual([true, true]);

    const refused = await bob.sync.lobby.set(false).catch((e: unknown) => e);
    expect(refusalCodeOf(refused)).toBe('not-creator');
    await ann.sync.lobby.set(false);
    await until(() => !bob.sync.lobby.isOn.get(), 'the lobby off at Bob');
    const cat = await person(relay.connect(), CAT);
    await until(() => cat.sync.status.get() === 'connected', 'Cat straight in');
  });

  it('does not admit those already waiting when it goes off', async () => {
    const { relay, ann } = await room();
    const bob = await person(relay.connect(), BOB);
    await waitingFor(bob);
    await ann.sync.lobby.set(false);
    await sleep(10);
    expect(bob.sync.lobby.waiting.get()).toBe(true);
    expect(names(ann.sync)).toEqual([BOB.name]);
  });
});
