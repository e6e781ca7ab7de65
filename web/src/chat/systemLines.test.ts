import { afterEach, describe, expect, it } from 'vitest';
import { TEST_JOIN_KEY } from '../wire/testing/devices';
import { FakeRelay } from '../wire/testing/fakeRelay';
import { sleep, until } from '../wire/testing/waiting';
import type { ChatItem } from './chatTimeline';
import { Presence, type MemberPresence } from './presence';
import { interleave, onlineChanges, renames, systemText, SystemLines, type SystemLine } from './systemLines';
import { member, ROOM, stopMembers } from './testing/chatMembers';

const watchers: { destroy(): void }[] = [];
afterEach(async () => {
  for (const w of watchers.splice(0)) w.destroy();
  await stopMembers();
});

const person = (memberId: string, chosenName: string, isSelf = false) => ({ memberId, chosenName, name: chosenName, isSelf }) as MemberPresence;
const line = (id: number, afterSeq: number): SystemLine => ({ kind: 'joined', memberId: `m${id}`, id, afterSeq, at: 0 });
const item = (seq: number | null) => ({ key: `k${seq}`, seq }) as ChatItem;

describe('system lines, worked out', () => {
  it('say who came and went, never this browser, and nothing more for a member removed or gone for good', () => {
    expect(onlineChanges(['me', 'ann', 'bob'], ['me', 'bob', 'cat'], new Set(), 'me')).toEqual([
      { kind: 'joined', memberId: 'cat' },
      { kind: 'left', memberId: 'ann' },
    ]);
    expect(onlineChanges(['me', 'ann'], ['cat'], new Set(['ann']), 'me')).toEqual([{ kind: 'joined', memberId: 'cat' }]);
  });

  it('say who took another name, not for a name that only just arrived', () => {
    const before = new Map([['a', 'Ann'], ['g', 'Guest'], ['s', 'Me']]);
    expect(renames(before, [person('a', 'Annie'), person('g', 'Gil'), person('s', 'Myself', true), person('n', 'New')])).toEqual([
      { kind: 'renamed', memberId: 'a', from: 'Ann', to: 'Annie' },
    ]);
  });

  it('read as sentences, with the name as the room shows it now', () => {
    const nameOf = (id: string) => (id === 'b' ? 'Bob' : null);
    expect(systemText({ kind: 'joined', memberId: 'b' }, nameOf)).toBe('Bob joined');
    expect(systemText({ kind: 'left', memberId: 'x' }, nameOf)).toBe('Someone left');
    expect(systemText({ kind: 'removed', memberId: 'b' }, nameOf)).toBe('Bob was removed');
    expect(systemText({ kind: 'renamed', memberId: 'a', from: 'Ann', to: 'Annie' }, nameOf)).toBe('Ann is now Annie');
  });

  it('sit after the newest message of their moment and before later ones, unsent ones included (they are stored after it)', () => {
    const rows = interleave([item(1), item(2), item(5), item(null)], [line(1, 0), line(2, 2), line(3, 2), line(4, 6)]);
    expect(rows.map((r) => ('kind' in r ? `line${r.id}` : `seq${r.seq}`))).toEqual(['line1', 'seq1', 'seq2', 'line2', 'line3', 'seq5', 'line4', 'seqnull']);
  });
});

describe('system lines in a room', () => {
  async function watcher(relay: FakeRelay) {
    const ann = await member(relay.connect(), 'Ann');
    const presence = new Presence(ann.room, ann.chat);
    const lines = new SystemLines(ann.room, presence.members, ann.chat.messages);
    watchers.push(presence, lines);
    const kinds = () => lines.lines.get().map((l) => `${l.kind} ${l.memberId}`);
    return { ann, lines, kinds };
  }

  it('note joins, leaves, removals and departures while this browser is in the room, one line each', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const early = await member(relay.connect(), 'Early');
    const { ann, lines, kinds } = await watcher(relay);
    expect(kinds()).toEqual([]); // who was there before is no news

    ann.chat.send('hello');
    await until(() => ann.chat.messages.get()[0]?.seq === 1, 'the message');
    const bob = await member(relay.connect(), 'Bob');
    await until(() => kinds().length === 1, 'the join');
    expect(lines.lines.get()[0]).toMatchObject({ kind: 'joined', memberId: bob.room.memberId, afterSeq: 1 });

    const cat = await member(relay.connect(), 'Cat');
    await until(() => kinds().length === 2, 'the second join');
    bob.transport.disconnect();
    await until(() => kinds().length === 3, 'the leave');
    relay.leave(cat.transport);
    cat.transport.disconnect();
    await until(() => kinds().length === 4, 'the departure');
    relay.creatorId = ann.room.memberId;
    await ann.room.access.kick(early.room.memberId!);
    await until(() => kinds().length === 5, 'the kick');
    await sleep(20);
    expect(kinds()).toEqual([
      `joined ${bob.room.memberId}`,
      `joined ${cat.room.memberId}`,
      `left ${bob.room.memberId}`,
      `left ${cat.room.memberId}`,
      `removed ${early.room.memberId}`,
    ]);
  });

  it('start afresh after this browser rejoins: who came meanwhile gets no line', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const { ann, kinds } = await watcher(relay);
    ann.transport.disconnect();
    await member(relay.connect(), 'Bob');
    ann.transport.reconnect();
    await until(() => ann.room.membership.get() !== null, 'the rejoin');
    await sleep(20);
    expect(kinds()).toEqual([]);
  });
});
