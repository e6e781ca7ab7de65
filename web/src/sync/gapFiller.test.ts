import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEST_JOIN_KEY } from '../wire/testing/devices';
import { FakeRelay, type FakeTransport } from '../wire/testing/fakeRelay';
import { until } from '../wire/testing/waiting';
import type { StoredUpdate } from '../wire/protocol';
import { GapFiller } from './gapFiller';
import type { RoomSync } from './roomSync';
import { joinedMember, TEST_ROOM as ROOM } from './testing/members';

const syncs: RoomSync[] = [];

const member = (transport: FakeTransport) => joinedMember(transport, syncs);

/** Counts the transport's FetchUpdates calls. */
function countFetches(transport: FakeTransport): { calls: number } {
  const counter = { calls: 0 };
  const fetch = transport.fetchUpdates.bind(transport);
  transport.fetchUpdates = (...args) => {
    counter.calls++;
    return fetch(...args);
  };
  return counter;
}

afterEach(async () => {
  await Promise.all(syncs.splice(0).map((s) => s.destroy(200)));
});

describe('gaps in live updates', () => {
  it('are fetched from the log without a rejoin when a delivery was lost', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const alice = await member(relay.connect());
    const bobTransport = relay.connect();
    const bob = await member(bobTransport);
    const fetches = countFetches(bobTransport);
    const joins = relay.joins.length;

    relay.loseNextDeliveryTo = bobTransport;
    alice.text.insert(0, 'a');
    await until(() => alice.lastSeq === 1, 'the first update stored');
    alice.text.insert(1, 'b'); // arrives live, above the lost one

    await until(() => bob.lastSeq === 2, "bob's log whole again");
    expect(bob.text.toString()).toBe('ab');
    expect(fetches.calls).toBe(1);
    expect(relay.joins.length).toBe(joins);
  });

  it('are asked for less and less often when the log does not fill them, and every time again once it does', async () => {
    vi.useFakeTimers();
    try {
      let last = 0; // every update up to here is applied…
      let top = 2; // …and this one came in above the gap
      let fetches = 0;
      let logFills = false;
      const filler = new GapFiller({
        lastSeq: () => last,
        hasGap: () => last + 1 < top,
        paused: () => false,
        fetchUpdates: async () => {
          fetches++;
          return { updates: logFills ? [{ seq: last + 1 } as StoredUpdate] : [], more: false };
        },
        apply: async (update) => void (last = Math.max(last, update.seq)),
        rejoin: () => {
          throw new Error('no rejoin for a gap the log answers');
        },
      });
      filler.noticed();
      await vi.advanceTimersByTimeAsync(500 + 1000 + 2000 + 4000);
      expect(fetches).toBe(4); // after 0.5, 1.5, 3.5 and 7.5 s
      await vi.advanceTimersByTimeAsync(60_000);
      expect(fetches).toBe(4 + 3); // 15.5, 31.5 and 61.5 s: at most every 30 s

      logFills = true;
      await vi.advanceTimersByTimeAsync(30_000);
      expect([last, fetches]).toEqual([1, 8]); // filled, and no more asking

      top = 4; // a new gap: asked for after the short wait again
      filler.noticed();
      await vi.advanceTimersByTimeAsync(500);
      expect([last, fetches]).toEqual([2, 9]);
      filler.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
