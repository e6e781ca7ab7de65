// A closed tab's undelivered work, end to end over FakeRelay: what one visit typed and sent while
// offline is kept in the profile's vault, and the next visit delivers it exactly once.
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalVault, type LocalVault } from '../crypto';
import { memoryMemberStore, type MemberStore } from '../rooms/memberStore';
import { RoomSync } from '../sync/roomSync';
import { testKeys } from '../sync/testing/members';
import { TEST_JOIN_KEY, TEST_LINK, testDevice } from '../wire/testing/devices';
import { FakeRelay, type FakeTransport } from '../wire/testing/fakeRelay';
import { sleep, until } from '../wire/testing/waiting';
import { ChatSync } from './chatSync';
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
async function visit(transport: FakeTransport, vault: Promise<LocalVault | null>, members: MemberStore) {
  const keys = await testKeys();
  const room = new RoomSync({ roomId: ROOM, linkSecret: TEST_LINK, device: await testDevice(), keys, transport, members, vault, onProblem: () => {}, retryMs: 20 });
  const chat = new ChatSync({ roomId: ROOM, keys, transport, membership: room.membership, author: () => ({ name: 'Ann', color: '#34d399' }), vault, retryMs: 10 });
  visits.push({ room, chat });
  room.start();
  chat.start();
  return { room, chat, transport };
}

const count = (text: string, marker: string) => text.split(marker).length - 1;
const texts = (chat: ChatSync) => chat.messages.get().map((m) => m.body?.text);

describe('unsent work kept in the browser', () => {
  it('delivers edits and a message of a tab closed while offline exactly once on the next visit, then forgets them', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const vault = openLocalVault(new IDBFactory());
    const members = memoryMemberStore();
    const bob = await member(relay.connect(), 'Bob');
    const first = await visit(relay.connect(), vault, members);
    await until(() => first.chat.loaded.get(), 'the first visit to join');
    first.room.text.insert(0, 'before ');
    await until(() => bob.room.text.toString() === 'before ', 'Bob to see the first edit');

    first.transport.disconnect();
    first.room.text.insert(7, 'OFFLINE-CODE ');
    first.chat.send('OFFLINE-CHAT');
    await until(async () => !!(await (await vault)!.read(`${ROOM}/chat`)) && !!(await (await vault)!.read(`${ROOM}/edits`)), 'both to be kept');
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
    await until(async () => (await (await vault)!.read(`${ROOM}/chat`)) === null && (await (await vault)!.read(`${ROOM}/edits`)) === null, 'the kept work to be deleted');
  });

  it('resends a message whose acknowledgement the closed tab never got under its id, so it is stored once', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const vault = openLocalVault(new IDBFactory());
    const members = memoryMemberStore();
    const first = await visit(relay.connect(), vault, members);
    await until(() => first.chat.loaded.get(), 'the first visit to join');
    relay.loseNextChatAck = true; // stored, but the tab never hears so
    first.chat.send('LANDED-ONCE');
    await until(() => first.transport.state === 'reconnecting', 'the drop');
    await until(async () => !!(await (await vault)!.read(`${ROOM}/chat`)), 'the message to be kept');
    const bytes = await (await vault)!.read(`${ROOM}/chat`);
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
    const kept = decodeKeptOutbox((await (await vault)!.read(`${ROOM}/chat`))!);
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
});
