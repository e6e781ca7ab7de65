import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keyedMember, keyProblems, room, stopMembers } from '../chat/testing/keyedRoom';
import { memoryMemberStore } from '../rooms/memberStore';
import { testDevice } from '../wire/testing/devices';
import { until } from '../wire/testing/waiting';

// Keys that age (docs/protocol.md, "When rotations happen"): the server asks one member to rotate
// an old key, and drops members away too long from the keys.

beforeAll(() => Promise.all([2].map(testDevice)), 60_000);
afterEach(stopMembers);

describe('an old key', () => {
  it('is rotated by the one browser the server asks, and every browser learns when the key changed', async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    const firstChange = relay.keys.keyChangedAt;
    expect(ann.sync.roomKeys.keyChangedAt.get()).toBe(firstChange);
    expect(bob.sync.roomKeys.keyChangedAt.get()).toBe(firstChange);

    relay.requestRotation(bob.sync.memberId!);

    await until(() => ann.keys.has(1) && bob.keys.has(1), 'the new key at both');
    expect(relay.keys.rotateCalls.filter((c) => c.epoch === 1)).toEqual([{ sender: bob.sync.memberId, epoch: 1, renewsLink: false, accepted: true }]);
    await until(() => ann.sync.roomKeys.keyChangedAt.get() === relay.keys.keyChangedAt, 'the time of the change at Ann');
    expect(bob.sync.roomKeys.keyChangedAt.get()).toBe(relay.keys.keyChangedAt);
    expect([keyProblems(ann), keyProblems(bob)]).toEqual([[], []]);
  });

  it('is not rotated again on a request that a rotation overtook', async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    await ann.sync.roomKeys.rotate(false);
    await until(() => bob.keys.has(1), 'the new key at Bob');
    // As a request for epoch 0 arriving late: Bob's browser has moved on.
    bob.sync.roomKeys.events.rotationRequested!(relay.roomId, 0);
    await bob.sync.roomKeys.rotate(false, 99); // queued behind whatever the request started
    expect(relay.keys.rotateCalls.map((c) => c.epoch)).toEqual([0, 1]);
  });
});

describe('a member away too long', () => {
  it('gets no later key, and coming back joins as a newcomer through its stored membership and is granted the key', async () => {
    const { relay, ann } = await room();
    const members = memoryMemberStore();
    const bob = await keyedMember(relay, { device: 1, members });
    const cat = await keyedMember(relay, { device: 2 });
    const oldId = bob.sync.memberId!;
    bob.transport.disconnect();

    relay.dropAway(oldId);
    await until(() => ann.sync.access.departed.get().includes(oldId), 'Ann to hear Bob is out');
    await ann.sync.roomKeys.rotate(false);
    expect(relay.keys.grants.has(`1|${oldId}`)).toBe(false);
    expect(relay.keys.grants.has(`1|${cat.sync.memberId}`)).toBe(true);

    bob.transport.reconnect();
    await until(() => bob.sync.memberId !== oldId && bob.keys.has(1) && !bob.sync.roomKeys.waiting.get(), 'Bob back as a newcomer, keyed');
    expect(members.load(relay.roomId)?.memberId).toBe(bob.sync.memberId);
    expect(bob.keys.has(0)).toBe(true); // history is visible in this room
    expect(bob.sync.closed.get()).toBeNull();
  });
});
