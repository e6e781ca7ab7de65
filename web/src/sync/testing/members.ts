import { importRoomKey, RoomKeyRing } from '../../crypto';
import { memoryMemberStore } from '../../rooms/memberStore';
import { TEST_LINK, testDevice } from '../../wire/testing/devices';
import type { FakeTransport } from '../../wire/testing/fakeRelay';
import { until } from '../../wire/testing/waiting';
import { RoomSync } from '../roomSync';

export const TEST_ROOM = 'Qx7pL2mN9vR4tY8wZ1aB3c';

/** The room key every member of these tests holds from the start (a pre-keyed relay). */
export const testKeys = async () => new RoomKeyRing({ epoch: 0, key: await importRoomKey(new Uint8Array(32).fill(9)) });

/**
 * A member who is not the creator, connected and joined through `transport`; added to `started`
 * so the test can destroy it afterwards.
 */
export async function joinedMember(transport: FakeTransport, started: RoomSync[]): Promise<RoomSync> {
  const sync = new RoomSync({
    roomId: TEST_ROOM,
    linkSecret: TEST_LINK,
    device: await testDevice(),
    keys: await testKeys(),
    transport,
    members: memoryMemberStore(),
    onProblem: () => {},
    retryMs: 50,
  });
  started.push(sync);
  sync.start();
  await until(() => sync.status.get() === 'connected', 'join');
  return sync;
}
