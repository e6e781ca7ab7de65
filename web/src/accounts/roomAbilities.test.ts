import { afterEach, describe, expect, it } from 'vitest';
import { importRoomKey, RoomKeyRing } from '../crypto';
import { memoryMemberStore } from '../sync/memberStore';
import { RoomSync } from '../sync/roomSync';
import { FakeRelay } from '../sync/testing/fakeRelay';
import { until } from '../sync/testing/waiting';
import { GUEST } from './abilities';

const ROOM = 'Qx7pL2mN9vR4tY8wZ1aB3c';
const JOIN_KEY = new Uint8Array(32).fill(3);
const syncs: RoomSync[] = [];
afterEach(async () => {
  await Promise.all(syncs.splice(0).map((s) => s.destroy(100)));
});

async function joined(relay: FakeRelay) {
  const keys = new RoomKeyRing({ epoch: 0, key: await importRoomKey(new Uint8Array(32).fill(9)) });
  const sync = new RoomSync({ roomId: ROOM, joinKey: JOIN_KEY, keys, transport: relay.connect(), members: memoryMemberStore(), onProblem: () => {} });
  syncs.push(sync);
  expect(sync.abilities.get()).toBeNull(); // not known before the server says
  sync.start();
  await until(() => sync.status.get() === 'connected', 'the join');
  return sync;
}

describe("a member's abilities in the room", () => {
  it('come from the join: a guest may not share files or protect the room, a signed-in member may', async () => {
    const relay = new FakeRelay(ROOM, JOIN_KEY);
    expect((await joined(relay)).abilities.get()).toEqual(GUEST);
    relay.abilities = { shareFiles: true, protectRoom: true, nameRoom: true };
    expect((await joined(relay)).abilities.get()).toEqual(relay.abilities);
  });
});
