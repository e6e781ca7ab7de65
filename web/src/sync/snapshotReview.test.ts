import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TEST_JOIN_KEY } from '../wire/testing/devices';
import { FakeRelay, type FakeTransport } from '../wire/testing/fakeRelay';
import { until } from '../wire/testing/waiting';
import type { RoomSync } from './roomSync';
import { joinedMember, TEST_ROOM as ROOM, testKeys as ring } from './testing/members';

const syncs: RoomSync[] = [];

/** A member who is not the creator: its snapshots wait for another member's confirmation. */
const member = (transport: FakeTransport) => joinedMember(transport, syncs);

async function typed(sync: RoomSync, text: string, seq: number): Promise<void> {
  sync.text.insert(sync.text.length, text);
  await until(() => sync.lastSeq === seq, `seq ${seq}`);
}

afterEach(async () => {
  await Promise.all(syncs.splice(0).map((s) => s.destroy(200)));
});

describe('snapshot review', () => {
  it("confirms another member's honest snapshot when asked, and the log is replaced", async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.snapshotEvery = 2;
    const bob = await member(relay.connect());
    const carol = await member(relay.connect());
    await typed(bob, 'ab', 1);
    await typed(bob, 'cd', 2); // snapshotDue: bob's snapshot waits
    await until(() => relay.pending !== null, 'pending snapshot');
    expect(relay.snapshot).toBeNull();
    expect(relay.updates).toHaveLength(2);
    await until(() => carol.text.toString() === 'abcd', "bob's text at carol"); // so her '!' goes at the end

    await typed(carol, '!', 3); // confirmDue
    await until(() => relay.snapshot !== null, 'confirmed');
    expect(relay.confirmCalls).toEqual([{ upToSeq: 2, sender: bob.memberId, by: carol.memberId }]);
    expect(relay.updates.map((u) => u.seq)).toEqual([3]);
    const joiner = await member(relay.connect());
    expect(joiner.text.toString()).toBe('abcd!');
  });

  it('reviews again when the snapshot it checked was replaced meanwhile, even under the same seq and sender', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.snapshotEvery = 2;
    const bob = await member(relay.connect());
    const carolTransport = relay.connect();
    const carol = await member(carolTransport);
    await typed(bob, 'ab', 1);
    await typed(bob, 'cd', 2);
    await until(() => relay.pending !== null, 'pending snapshot');
    // Bob's next snapshot lands while Carol checks his first: her confirmation names the old bytes.
    const again = { ...relay.pending!, envelope: await (await ring()).encrypt({ roomId: ROOM, kind: 'doc-snapshot', sender: bob.memberId! }, Y.encodeStateAsUpdate(bob.text.doc!)) };
    const confirm = carolTransport.confirmSnapshot.bind(carolTransport);
    carolTransport.confirmSnapshot = async (...args) => {
      if (relay.pending !== again) relay.pending = again;
      return confirm(...args);
    };

    await typed(carol, '!', 3);
    await until(() => relay.snapshot !== null, 'confirmed');
    expect(relay.confirmCalls.map((c) => c.by)).toEqual([carol.memberId, carol.memberId]);
    expect(relay.snapshot).toBe(again);
  });

  it('on a full log, confirms the snapshot waiting from another member, and the refused edit lands', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.snapshotEvery = 2;
    const bob = await member(relay.connect());
    const carol = await member(relay.connect());
    await typed(bob, 'ab', 1);
    await typed(bob, 'cd', 2);
    await until(() => relay.pending !== null, 'pending snapshot');
    relay.refusePushes = 1;
    relay.refusePushesAs = 'room-log-full';

    await typed(carol, '!', 3);
    expect(relay.confirmCalls.map((c) => c.by)).toEqual([carol.memberId]);
    expect(relay.snapshot?.sender).toBe(bob.memberId);
  });

  it("answers a vandal's empty snapshot with its own instead of confirming it", async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const bob = await member(relay.connect());
    const carol = await member(relay.connect());
    await typed(bob, 'keep me', 1);
    const empty = await (await ring()).encrypt({ roomId: ROOM, kind: 'doc-snapshot', sender: 'member-v' }, Y.encodeStateAsUpdate(new Y.Doc()));
    relay.pending = { upToSeq: 1, sender: 'member-v', envelope: empty };

    await typed(carol, '!', 2);
    await until(() => relay.pending?.sender === carol.memberId, "carol's own snapshot waiting");
    expect(relay.confirmCalls).toEqual([]);
    expect(relay.updates).toHaveLength(2);
  });

  it('never confirms after skipping an update it could not decrypt', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.snapshotEvery = 2;
    const bob = await member(relay.connect());
    const carolTransport = relay.connect();
    const carol = await member(carolTransport);
    const forged = await (await ring()).encrypt({ roomId: ROOM, kind: 'doc-update', sender: 'member-y' }, new Uint8Array([1, 2, 3]));
    carolTransport.emit((l) => l.docUpdate?.(ROOM, { seq: 99, sender: 'member-x', envelope: forged })); // wrong sender: AD mismatch
    await typed(bob, 'ab', 1);
    await typed(bob, 'cd', 2);
    await until(() => relay.pending !== null, 'pending snapshot');

    await typed(carol, '?', 3); // asked, but carol skipped an update
    const dave = await member(relay.connect());
    await typed(dave, '!', 4); // asked too, and holds every update
    await until(() => relay.snapshot !== null, "dave's confirmation");
    expect(relay.confirmCalls.map((c) => c.by)).toEqual([dave.memberId]);
  });
});
