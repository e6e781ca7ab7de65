// A closed tab's undelivered work, end to end over FakeRelay: what one visit typed and sent while
// offline is kept in the profile's vault, and the next visit delivers it exactly once.
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openLocalVault, type LocalVault } from '../crypto';
import { memoryMemberStore, type MemberStore } from '../rooms/memberStore';
import { RoomSync } from '../sync/roomSync';
import { memoryLocks } from '../sync/testing/memoryLocks';
import { testKeys } from '../sync/testing/members';
import { TEST_JOIN_KEY, TEST_LINK, testDevice } from '../wire/testing/devices';
import { FakeRelay, type FakeTransport } from '../wire/testing/fakeRelay';
import { sleep, until } from '../wire/testing/waiting';
import { ChatSync, type ChatProblem } from './chatSync';
import { decodeKeptOutbox, encodeKeptOutbox } from './keptMessages';
import { member, ROOM, stopMembers } from './testing/chatMembers';

afterEach(stopMembers);

const visits: { room: RoomSync; chat: ChatSync }[] = [];
afterEach(async () => {
  for (const { room, chat } of visits.splice(0)) {
    chat.destroy();
    await room.destroy(100);
  }
});

/** One visit of Ann's page: the same profile (vault, member store) each time. */
async function visit(transport: FakeTransport, vault: Promise<LocalVault | null>, members: MemberStore, onProblem?: (problem: ChatProblem) => void) {
  const keys = await testKeys();
  const room = new RoomSync({ roomId: ROOM, linkSecret: TEST_LINK, device: await testDevice(), keys, transport, members, vault, onProblem: () => {}, retryMs: 20 });
  const chat = new ChatSync({ roomId: ROOM, keys, transport, membership: room.membership, author: () => ({ name: 'Ann', color: '#34d399' }), vault, retryMs: 10, onProblem });
  visits.push({ room, chat });
  room.start();
  chat.start();
  return { room, chat, transport };
}

const count = (text: string, marker: string) => text.split(marker).length - 1;

/** The one record kept under `name` (each tab keeps its own, `{name}/{tab}`), or null. */
async function readKept(vault: Promise<LocalVault | null>, name: string): Promise<Uint8Array | null> {
  const store = (await vault)!;
  const names = await store.names(name);
  expect(names.length).toBeLessThanOrEqual(1);
  return names.length === 0 ? null : store.read(names[0]);
}
/** A room's relay, and one browser profile's vault and member store, shared by its visits and tabs. */
const browserProfile = () => ({
  relay: new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true }),
  vault: openLocalVault(new IDBFactory()),
  members: memoryMemberStore(),
});
const texts = (chat: ChatSync) => chat.messages.get().map((m) => m.body?.text);

describe('unsent work kept in the browser', () => {
  it('delivers edits and a message of a tab closed while offline exactly once on the next visit, then forgets them', async () => {
    const { relay, vault, members } = browserProfile();
    const bob = await member(relay.connect(), 'Bob');
    const first = await visit(relay.connect(), vault, members);
    await until(() => first.chat.loaded.get(), 'the first visit to join');
    first.room.text.insert(0, 'before ');
    await until(() => bob.room.text.toString() === 'before ', 'Bob to see the first edit');

    first.transport.disconnect();
    first.room.text.insert(7, 'OFFLINE-CODE ');
    first.chat.send('OFFLINE-CHAT');
    await until(async () => !!(await readKept(vault, `${ROOM}/chat`)) && !!(await readKept(vault, `${ROOM}/edits`)), 'both to be kept');
    visits.splice(0).forEach(({ chat }) => chat.destroy());
    await first.room.destroy(50); // the tab closes

    const second = await visit(relay.connect(), vault, members);
    await until(() => texts(second.chat).includes('OFFLINE-CHAT'), 'the kept message to show');
    await until(() => bob.room.text.toString().includes('OFFLINE-CODE'), 'Bob to get the kept edit');
    await until(() => texts(bob.chat).includes('OFFLINE-CHAT'), 'Bob to get the kept message');
    await until(() => second.chat.messages.get()[0]?.status === 'sent', 'the message to be acknowledged');
    await sleep(30);
    expect(count(bob.room.text.toString(), 'OFFLINE-CODE')).toBe(1);
    expect(second.room.text.toString()).toBe(bob.room.text.toString());
    expect(texts(bob.chat).filter((t) => t === 'OFFLINE-CHAT')).toHaveLength(1);
    expect(relay.chats).toHaveLength(1);
    await until(async () => (await readKept(vault, `${ROOM}/chat`)) === null && (await readKept(vault, `${ROOM}/edits`)) === null, 'the kept work to be deleted');
  });

  it('resends a message whose acknowledgement the closed tab never got under its id, so it is stored once', async () => {
    const { relay, vault, members } = browserProfile();
    const first = await visit(relay.connect(), vault, members);
    await until(() => first.chat.loaded.get(), 'the first visit to join');
    relay.loseNextChatAck = true; // stored, but the tab never hears so
    first.chat.send('LANDED-ONCE');
    await until(() => first.transport.state === 'reconnecting', 'the drop');
    await until(async () => !!(await readKept(vault, `${ROOM}/chat`)), 'the message to be kept');
    const bytes = await readKept(vault, `${ROOM}/chat`);
    const kept = decodeKeptOutbox(bytes!);
    expect(kept.messages[0]).toMatchObject({ numbered: true, clientMessageId: relay.chats[0].clientMessageId });
    visits.splice(0).forEach(({ chat }) => chat.destroy());
    await first.room.destroy(50);

    const second = await visit(relay.connect(), vault, members);
    await until(() => second.chat.messages.get()[0]?.status === 'sent', 'the stored copy to replace the unsent one');
    await sleep(30);
    expect(texts(second.chat)).toEqual(['LANDED-ONCE']);
    expect(relay.chats).toHaveLength(1);
  });

  it('keeps a message under its id before the id first goes out', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const vault = openLocalVault(new IDBFactory());
    const ann = await visit(relay.connect(), vault, memoryMemberStore());
    await until(() => ann.chat.loaded.get(), 'the join');
    relay.holdChats = true; // the send never returns: the tab may close at any moment now
    ann.chat.send('numbered first');
    await until(() => relay.chatCalls.length === 1, 'the send');
    const kept = decodeKeptOutbox((await readKept(vault, `${ROOM}/chat`))!);
    expect(kept.messages).toMatchObject([{ numbered: true, clientMessageId: relay.chatCalls[0].clientMessageId }]);
  });

  it('restores a message whose upload the closed page cut short as failed, naming the file', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const vault = openLocalVault(new IDBFactory());
    const message = { clientMessageId: 'local-x', numbered: false, author: { name: 'Ann', color: '#34d399' }, text: 'see the file', extras: {}, createdAt: 1, attachments: null, interrupted: ['plan.pdf'], failed: null };
    await (await vault)!.write(`${ROOM}/chat`, encodeKeptOutbox({ lastId: null, messages: [message] }));
    const ann = await visit(relay.connect(), vault, memoryMemberStore());
    await until(() => ann.chat.messages.get()[0]?.status === 'failed', 'the message to show as failed');
    expect(ann.chat.messages.get()[0].failure).toBe('Upload of plan.pdf was interrupted; Retry sends the text without it');
    ann.chat.retry('local-x');
    await until(() => relay.chats.length === 1, 'the text to go out on Retry');
    await until(() => ann.chat.messages.get()[0]?.status === 'sent', 'the ack');
    expect(ann.chat.messages.get()[0].body?.attachments).toEqual([]);
  });

  it('restores every message a closed tab left, in order, not only the first', async () => {
    const { relay, vault } = browserProfile();
    const left = (n: number) => ({ clientMessageId: `local-${n}`, numbered: false, author: { name: 'Ann', color: '#34d399' }, text: `LEFT-${n}`, extras: {}, createdAt: n, attachments: [], interrupted: [], failed: null });
    // The second is in it twice, as two closed tabs' records read together can have it (without Web Locks).
    await (await vault)!.write(`${ROOM}/chat`, encodeKeptOutbox({ lastId: null, messages: [left(1), left(2), left(2), left(3)] }));
    const problems: string[] = [];
    const ann = await visit(relay.connect(), vault, memoryMemberStore(), ({ message }) => problems.push(message));
    await until(() => relay.chats.length === 3, 'the three to go out');
    await until(() => ann.chat.messages.get().every((m) => m.status === 'sent'), 'the acks');
    expect(texts(ann.chat)).toEqual(['LEFT-1', 'LEFT-2', 'LEFT-3']);
    expect(problems).toEqual([]);
  });
});

describe('unsent work of two tabs of one room', () => {
  // The browser's Web Locks tell which tabs are open; jsdom has none.
  beforeEach(() => vi.stubGlobal('navigator', { locks: memoryLocks() }));
  afterEach(() => vi.unstubAllGlobals());

  const keptNames = async (vault: Promise<LocalVault | null>) => (await (await vault)!.names(`${ROOM}/chat`)).length;

  it('is kept apart, and the next visit delivers both tabs\' messages once', async () => {
    const { relay, vault, members } = browserProfile();
    const bob = await member(relay.connect(), 'Bob');
    const a = await visit(relay.connect(), vault, members);
    const b = await visit(relay.connect(), vault, members);
    await until(() => a.chat.loaded.get() && b.chat.loaded.get(), 'both tabs to join');

    a.transport.disconnect();
    b.transport.disconnect();
    a.chat.send('FROM-TAB-A');
    b.chat.send('FROM-TAB-B');
    await until(async () => (await keptNames(vault)) === 2, 'each tab to keep its own message');
    for (const { room, chat } of visits.splice(0)) {
      chat.destroy();
      await room.destroy(50); // both tabs close
    }

    const next = await visit(relay.connect(), vault, members);
    await until(() => texts(bob.chat).includes('FROM-TAB-A') && texts(bob.chat).includes('FROM-TAB-B'), 'Bob to get both messages');
    await until(() => next.chat.messages.get().filter((m) => m.status === 'sent').length === 2, 'both to be acknowledged');
    await sleep(30);
    expect(relay.chats).toHaveLength(2);
    await until(async () => (await keptNames(vault)) === 0, 'the kept messages to be deleted');
  });

  it('leaves what a tab that is still open keeps to that tab', async () => {
    const { relay, vault, members } = browserProfile();
    const a = await visit(relay.connect(), vault, members);
    await until(() => a.chat.loaded.get(), 'the first tab to join');
    a.transport.disconnect();
    a.chat.send('STILL-IN-A');
    await until(async () => (await keptNames(vault)) === 1, 'the first tab to keep its message');

    const b = await visit(relay.connect(), vault, members);
    await until(() => b.chat.loaded.get(), 'the second tab to join');
    await sleep(50);
    expect(relay.chats).toHaveLength(0);
    expect(texts(b.chat)).toEqual([]);

    a.transport.reconnect();
    await until(() => relay.chats.length === 1, 'the first tab to send its own message');
    await until(async () => (await keptNames(vault)) === 0, 'its record to be deleted');
  });
});
