import { afterEach, describe, expect, it } from 'vitest';
import { importRoomKey, RoomKeyRing } from '../crypto';
import { LocalIdentity, MEMBER_COLORS } from '../rooms/identity';
import { memoryMemberStore } from '../rooms/memberStore';
import { RoomSync } from '../sync/roomSync';
import { TEST_JOIN_KEY, TEST_LINK, testDevice } from '../wire/testing/devices';
import { FakeRelay, type FakeTransport } from '../wire/testing/fakeRelay';
import { until } from '../wire/testing/waiting';
import { ChatSync } from './chatSync';
import { colorToTake, displayNames, memberList, Presence } from './presence';

const ROOM = 'Qx7pL2mN9vR4tY8wZ1aB3c';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0)) await done();
});

async function person(transport: FakeTransport, name: string, creatorToken?: Uint8Array, identity?: LocalIdentity) {
  const keys = new RoomKeyRing({ epoch: 0, key: await importRoomKey(new Uint8Array(32).fill(9)) });
  const members = memoryMemberStore();
  if (creatorToken) members.saveCreatorToken(ROOM, creatorToken);
  const room = new RoomSync({ roomId: ROOM, linkSecret: TEST_LINK,
    device: await testDevice(), keys, transport, members, onProblem: () => {} });
  const author = () => identity?.profile.get() ?? { name, color: '#34d399' };
  const chat = new ChatSync({ roomId: ROOM, keys, transport, membership: room.membership, author });
  room.awareness.setLocalStateField('user', author());
  const offProfile = identity?.profile.subscribe((p) => room.awareness.setLocalStateField('user', p));
  room.start();
  chat.start();
  const presence = new Presence(room, chat, identity);
  cleanup.push(async () => {
    offProfile?.();
    presence.destroy();
    chat.destroy();
    await room.destroy(100);
  });
  await until(() => room.status.get() === 'connected', `${name} to join`);
  return { room, chat, presence, transport };
}

const summary = (p: Presence) =>
  p.members.get().map((m) => `${m.name}:${m.status}${m.isSelf ? ':you' : ''}${m.isCreator ? ':creator' : ''}`);

describe('presence', () => {
  it('lists self first, then online, away and offline members by name', () => {
    const list = memberList({
      selfId: 'me',
      online: ['me', 'b', 'c'],
      live: new Map([
        ['me', { name: 'Zed', color: '#000000', away: false }],
        ['b', { name: 'Bob', color: '#000000', away: true }],
        ['c', { name: 'Cat', color: '#000000', away: false }],
      ]),
      known: new Map([['d', { name: 'Ann', color: '#111111' }]]),
    });
    expect(list.map((m) => `${m.name}:${m.status}`)).toEqual(['Zed:online', 'Cat:online', 'Bob:away', 'Ann:offline']);
    expect(list[0].isSelf).toBe(true);
  });

  it('shows members online, away when their tab says so, and offline once they leave', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await person(relay.connect(), 'Ann');
    const bob = await person(relay.connect(), 'Bob');
    await until(() => summary(ann.presence).join() === 'Ann:online:you,Bob:online', 'Bob online at Ann');

    bob.room.awareness.setLocalStateField('status', 'away');
    await until(() => summary(ann.presence).join() === 'Ann:online:you,Bob:away', 'Bob away');
    expect(ann.presence.nameOf(bob.room.memberId!)).toBe('Bob');

    bob.transport.disconnect();
    await until(() => summary(ann.presence).join() === 'Ann:online:you,Bob:offline', 'Bob offline');
  });

  it('lists chat authors who were never online in this session as offline', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const carol = await person(relay.connect(), 'Carol');
    carol.chat.send('hi');
    await until(() => relay.chats.length === 1, 'the message');
    carol.transport.disconnect();
    const dave = await person(relay.connect(), 'Dave');
    await until(() => summary(dave.presence).join() === 'Dave:online:you,Carol:offline', 'Carol from history');
  });

  it('marks the creator and leaves out members who were removed', () => {
    const list = memberList({
      selfId: 'me',
      online: ['me', 'b', 'c'],
      live: new Map([['b', { name: 'Bob', color: '#000000', away: false }]]),
      known: new Map([['d', { name: 'Ann', color: '#111111' }]]),
      creatorId: 'b',
      removed: ['c', 'd'],
    });
    expect(list.map((m) => `${m.memberId}:${m.isCreator}`)).toEqual(['me:false', 'b:true']);
  });

  it('drops a kicked member from everyone\'s list at once, and still knows their name', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await person(relay.connect(), 'Ann', relay.creatorToken);
    const bob = await person(relay.connect(), 'Bob');
    const cat = await person(relay.connect(), 'Cat');
    await until(() => summary(cat.presence).join() === 'Cat:online:you,Ann:online:creator,Bob:online', 'everyone at Cat');
    await until(() => summary(ann.presence).join() === 'Ann:online:you:creator,Bob:online,Cat:online', 'everyone at Ann');

    const bobId = bob.room.memberId!;
    await ann.room.access.kick(bobId);
    expect(summary(ann.presence).join()).toBe('Ann:online:you:creator,Cat:online');
    await until(() => summary(cat.presence).join() === 'Cat:online:you,Ann:online:creator', 'Bob gone at Cat');
    expect(cat.presence.nameOf(bobId)).toBe('Bob'); // for the "Bob was removed" notice
  });

  it('shows a name held by someone who joined earlier with a number, the first one unchanged', () => {
    const shown = displayNames(
      new Map([
        ['late', 'Ann'],
        ['first', 'Ann'],
        ['other', 'ann'],
        ['bob', 'Bob'],
      ]),
      ['first', 'bob', 'other', 'late'],
    );
    expect(Object.fromEntries(shown)).toEqual({ first: 'Ann', other: 'ann (2)', late: 'Ann (3)', bob: 'Bob' });
    const long = displayNames(new Map([['a', 'x'.repeat(32)], ['b', 'x'.repeat(32)]]), ['a', 'b']);
    expect([...long.get('b')!].length).toBe(32);
    expect(long.get('b')!.endsWith(' (2)')).toBe(true);
  });

  it('moves the later of two members with one colour to a colour nobody holds', () => {
    const list = memberList({
      selfId: 'late',
      online: ['early', 'late', 'mid'],
      live: new Map([
        ['early', { name: 'Ann', color: MEMBER_COLORS[0], away: false }],
        ['mid', { name: 'Bob', color: MEMBER_COLORS[1], away: false }],
        ['late', { name: 'Cat', color: MEMBER_COLORS[0], away: false }],
      ]),
      known: new Map(),
      joinOrder: ['early', 'mid', 'late'],
    });
    expect(colorToTake('late', list, ['early', 'mid', 'late'])).toBe(MEMBER_COLORS[2]);
    expect(colorToTake('early', list, ['early', 'mid', 'late'])).toBeNull();
  });

  it('gives two people who chose one name different names on screen, and everyone different colours', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const first = await person(relay.connect(), 'Ann', undefined, new LocalIdentity('Ann', undefined, undefined));
    const second = await person(relay.connect(), 'Ann', undefined, new LocalIdentity('Ann', undefined, undefined));
    const cat = await person(relay.connect(), 'Cat', undefined, new LocalIdentity('Cat', undefined, undefined));
    const everyone = [first, second, cat];
    const settled = () =>
      everyone.every((p) => {
        const list = p.presence.members.get();
        const named = list.every((m) => m.chosenName !== 'Guest'); // everyone's awareness state has arrived
        return list.length === 3 && named && list.every((m) => m.status === 'online') && new Set(list.map((m) => m.color)).size === 3;
      });
    await until(settled, 'three colours at everyone');
    for (const p of everyone) {
      const names = Object.fromEntries(p.presence.members.get().map((m) => [m.memberId, m.name]));
      expect(names).toEqual({ [first.room.memberId!]: 'Ann', [second.room.memberId!]: 'Ann (2)', [cat.room.memberId!]: 'Cat' });
    }
    // The first one kept the first colour; the later ones moved.
    expect(first.presence.members.get().find((m) => m.isSelf)!.color).toBe(MEMBER_COLORS[0]);
    expect(second.presence.members.get().find((m) => m.isSelf)!.chosenName).toBe('Ann');
  });

  it('shows a new name to everyone once a member changes it', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const identity = new LocalIdentity('Ann', undefined, undefined);
    const ann = await person(relay.connect(), 'Ann', undefined, identity);
    const bob = await person(relay.connect(), 'Bob');
    await until(() => bob.presence.nameOf(ann.room.memberId!) === 'Ann', 'Ann at Bob');
    identity.rename('Annie');
    await until(() => bob.presence.nameOf(ann.room.memberId!) === 'Annie', 'the new name at Bob');
  });
});
