import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { AwarenessRelay } from './awarenessRelay';

const awarenesses: Awareness[] = [];
function awareness(clientID?: number): Awareness {
  const doc = new Y.Doc();
  if (clientID !== undefined) doc.clientID = clientID;
  const a = new Awareness(doc);
  awarenesses.push(a);
  return a;
}

/** An encoded update that carries `from`'s local state. */
function stateOf(from: Awareness, name: string): Uint8Array {
  from.setLocalStateField('user', { name, color: '#123456' });
  return encodeAwarenessUpdate(from, [from.clientID]);
}

afterEach(() => {
  vi.useRealTimers();
  while (awarenesses.length) awarenesses.pop()!.destroy();
});

describe('AwarenessRelay', () => {
  it('refuses updates that speak for this client or for another member', () => {
    const mine = awareness(1);
    const relay = new AwarenessRelay(mine, () => {}, 50);
    expect(relay.applyRemote('ann', stateOf(awareness(2), 'Ann'))).toBe(true);
    expect(relay.applyRemote('mallory', stateOf(awareness(2), 'Not Ann'))).toBe(false);
    expect(relay.applyRemote('mallory', stateOf(awareness(1), 'Not me'))).toBe(false);
    expect(mine.getStates().get(2)?.user.name).toBe('Ann');
  });

  it("answers a newcomer's first state with its own, once, so a joiner that missed it still learns it", () => {
    const mine = awareness(1);
    mine.setLocalStateField('user', { name: 'Me', color: '#654321' });
    const sent: Uint8Array[] = [];
    const relay = new AwarenessRelay(mine, (u) => sent.push(u), 0);
    const ann = awareness(2);
    relay.applyRemote('ann', stateOf(ann, 'Ann'));
    expect(sent).toHaveLength(1);
    applyAwarenessUpdate(ann, sent[0], 'relay');
    expect(ann.getStates().get(1)?.user.name).toBe('Me');
    relay.applyRemote('ann', stateOf(ann, 'Ann again'));
    expect(sent).toHaveLength(1);
  });

  it('removes the states of a member who left and counts who is online', () => {
    const mine = awareness(1);
    const relay = new AwarenessRelay(mine, () => {}, 50);
    relay.setOnline(['ann', 'bob'], 'me');
    relay.applyRemote('ann', stateOf(awareness(2), 'Ann'));
    relay.applyRemote('bob', stateOf(awareness(3), 'Bob'));
    expect(relay.onlineCount.get()).toBe(3);
    relay.memberLeft('ann');
    expect([...mine.getStates().keys()].sort()).toEqual([1, 3]);
    expect(relay.onlineCount.get()).toBe(2);
  });

  it('sends at most once per interval and never drops the last change', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const mine = awareness(1);
    const sent: string[] = [];
    new AwarenessRelay(mine, (update) => {
      const receiver = awareness(2);
      applyAwarenessUpdate(receiver, update, 'test');
      sent.push(receiver.getStates().get(1)?.cursor);
    }, 50);
    for (let i = 0; i < 10; i++) mine.setLocalStateField('cursor', `at ${i}`);
    expect(sent).toEqual(['at 0']);
    vi.advanceTimersByTime(50);
    expect(sent).toEqual(['at 0', 'at 9']);
    vi.advanceTimersByTime(200);
    expect(sent).toHaveLength(2);
  });
});
