import { afterEach, describe, expect, it } from 'vitest';
import { member, ROOM, stopMembers } from '../chat/testing/keyedRoom';
import { TEST_JOIN_KEY } from '../wire/testing/devices';
import { FakeRelay } from '../wire/testing/fakeRelay';
import { until } from '../wire/testing/waiting';
import { GUEST } from './abilities';

afterEach(stopMembers);

describe("a member's abilities in the room", () => {
  it('come from the join: a guest may not share files or protect the room, a signed-in member may', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY);
    const guest = await member(relay, { device: 0, creator: true });
    await until(() => guest.sync.access.abilities.get() !== null, 'the first join');
    expect(guest.sync.access.abilities.get()).toEqual(GUEST);

    relay.abilities = { shareFiles: true, protectRoom: true, nameRoom: true };
    const signedIn = await member(relay, { device: 1 });
    await until(() => signedIn.sync.access.abilities.get() !== null, 'the second join');
    expect(signedIn.sync.access.abilities.get()).toEqual(relay.abilities);
  });
});
