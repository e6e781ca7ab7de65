import { afterEach, describe, expect, it } from 'vitest';
import { TEST_JOIN_KEY } from '../wire/testing/devices';
import { FakeRelay } from '../wire/testing/fakeRelay';
import { sleep, until } from '../wire/testing/waiting';
import type { ChatSync } from './chatSync';
import { parseMessageId } from './senderOrder';
import { foreign, member, ROOM, stopMembers } from './testing/chatMembers';

afterEach(stopMembers);

const texts = (chat: ChatSync) => chat.messages.get().map((m) => m.body?.text);
const statuses = (chat: ChatSync) => chat.messages.get().map((m) => m.status);

describe('ChatSync', () => {
  it('shows a message at once as sending, then sent, and delivers it live to the others', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await member(relay.connect(), 'Ann');
    const bob = await member(relay.connect(), 'Bob');
    ann.chat.send('hello `world`\n');
    expect(statuses(ann.chat)).toEqual(['sending']);
    expect(texts(ann.chat)).toEqual(['hello `world`']);
    await until(() => statuses(ann.chat)[0] === 'sent', 'the ack');
    const [mine] = ann.chat.messages.get();
    expect(mine).toMatchObject({ seq: 1, mine: true, sentAt: relay.chats[0].sentAt, sender: ann.room.memberId });

    await until(() => bob.chat.messages.get().length === 1, 'Bob to receive it');
    expect(bob.chat.messages.get()[0]).toMatchObject({ seq: 1, mine: false, status: 'sent', key: mine.key });
    expect(bob.chat.messages.get()[0].body?.author.name).toBe('Ann');
    expect(bob.chat.authors.get().get(ann.room.memberId!)?.name).toBe('Ann');
  });

  it('orders by seq and drops duplicates by seq and by sender + client message id', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const { chat, transport } = await member(relay.connect(), 'Ann');
    const [m1, m2, m3] = await Promise.all([foreign(1, 'x', 'one'), foreign(2, 'y', 'two'), foreign(3, 'x', 'three')]);
    const replay = await foreign(4, 'x', 'replayed', m1.clientMessageId);
    relay.chats = [m1, m2, m3]; // so that a gap-filling ChatSince finds them
    transport.emit((l) => {
      l.chat?.(ROOM, m3);
      l.chat?.(ROOM, m1);
      l.chat?.(ROOM, m3);
      l.chat?.(ROOM, replay);
    });
    await until(() => texts(chat).length === 3, 'three messages');
    await sleep(30);
    expect(texts(chat)).toEqual(['one', 'two', 'three']); // two arrived through the gap fill
  });

  it('sends a message once although its acknowledgement was lost, resending with the same id', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await member(relay.connect(), 'Ann');
    relay.loseNextChatAck = true;
    ann.chat.send('exactly once');
    await until(() => ann.transport.state === 'reconnecting', 'the drop');
    expect(relay.chats).toHaveLength(1);
    expect(statuses(ann.chat)).toEqual(['sending']);

    ann.transport.reconnect();
    await until(() => statuses(ann.chat)[0] === 'sent', 'delivery after the rejoin');
    await sleep(30);
    expect(relay.chats).toHaveLength(1);
    expect(texts(ann.chat)).toEqual(['exactly once']);
    expect(new Set(relay.chatCalls.map((c) => c.clientMessageId)).size).toBe(1);
  });

  it('delivers messages written while offline in order after the reconnect', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await member(relay.connect(), 'Ann');
    const bob = await member(relay.connect(), 'Bob');
    ann.transport.disconnect();
    ann.chat.send('first');
    ann.chat.send('second');
    await sleep(30);
    expect(statuses(ann.chat)).toEqual(['sending', 'sending']);
    expect(relay.chatCalls).toHaveLength(0);

    ann.transport.reconnect();
    await until(() => texts(bob.chat).length === 2, 'Bob to get both');
    expect(texts(bob.chat)).toEqual(['first', 'second']);
    expect(statuses(ann.chat)).toEqual(['sent', 'sent']);
    expect(relay.chats).toHaveLength(2);
  });

  it('marks a message failed after repeated refusals and sends it on Retry', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await member(relay.connect(), 'Ann', { maxAttempts: 3 });
    relay.refuseChats = 3;
    ann.chat.send('stubborn');
    ann.chat.send('next one'); // not stuck behind the failed one
    await until(() => statuses(ann.chat).join() === 'sent,failed', 'the failure');
    expect(texts(ann.chat)).toEqual(['next one', 'stubborn']);
    expect(ann.chat.messages.get()[1].failure).toBe('Not sent');
    expect(ann.problems.filter((p) => p.kind === 'send-failed')).toHaveLength(3);

    ann.chat.retry(ann.chat.messages.get()[1].clientMessageId);
    expect(statuses(ann.chat)).toEqual(['sent', 'sending']);
    await until(() => statuses(ann.chat).join() === 'sent,sent', 'the retry');
    expect(relay.chats).toHaveLength(2);
  });

  it('sends a retried message under the next counter once later ones went out, so the others do not refuse it as reordered', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await member(relay.connect(), 'Ann', { maxAttempts: 1 });
    const bob = await member(relay.connect(), 'Bob');
    relay.refuseChats = 1;
    ann.chat.send('stubborn');
    await until(() => statuses(ann.chat).join() === 'failed', 'the failure');
    ann.chat.send('next one');
    await until(() => statuses(ann.chat).join() === 'sent,failed', 'the next one sent');

    ann.chat.retry(ann.chat.messages.get()[1].clientMessageId);
    await until(() => texts(bob.chat).length === 2, 'both at Bob');
    expect(texts(bob.chat)).toEqual(['next one', 'stubborn']);
    expect(relay.chats.map((m) => parseMessageId(m.clientMessageId)?.counter)).toEqual([2, 3]);
    expect(bob.problems).toEqual([]);
  });

  it('fails at once on a refusal that retrying cannot fix, and after timeouts', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await member(relay.connect(), 'Ann', { maxAttempts: 2, sendTimeoutMs: 30 });
    relay.refuseChats = 1;
    relay.refuseChatsWith = { code: 'envelope-too-large', text: 'Envelope too large: 70000 bytes, the limit is 65536.' };
    ann.chat.send('x'.repeat(10));
    await until(() => statuses(ann.chat)[0] === 'failed', 'the refusal');
    expect(ann.chat.messages.get()[0].failure).toBe('Too long to send');
    expect(relay.chatCalls).toHaveLength(1);

    relay.holdChats = true;
    ann.chat.send('into the void');
    await until(() => statuses(ann.chat)[1] === 'failed', 'the timeouts');
    expect(ann.chat.messages.get()[1].failure).toBe('The server did not answer');
    expect(relay.chatCalls).toHaveLength(3);

    ann.chat.discard(ann.chat.messages.get()[0].clientMessageId);
    expect(texts(ann.chat)).toEqual(['into the void']);
  });

  it('loads history newest first in pages, then earlier pages on request', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.chats = await Promise.all(Array.from({ length: 120 }, (_, i) => foreign(i + 1, 'x', `m${i + 1}`)));
    const { chat } = await member(relay.connect(), 'Ann', { pageSize: 50 });
    expect(texts(chat)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i + 71}`));
    expect(chat.hasEarlier.get()).toBe(true);

    await chat.loadEarlier();
    expect(texts(chat)[0]).toBe('m21');
    expect(chat.hasEarlier.get()).toBe(true);
    await chat.loadEarlier();
    expect(texts(chat)).toEqual(Array.from({ length: 120 }, (_, i) => `m${i + 1}`));
    expect(chat.hasEarlier.get()).toBe(false);
  });

  it('catches up with what it missed after a reconnect, through every page', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await member(relay.connect(), 'Ann');
    const bob = await member(relay.connect(), 'Bob');
    ann.chat.send('before');
    await until(() => texts(bob.chat).length === 1, 'the first message');

    bob.transport.disconnect();
    for (let i = 0; i < 130; i++) relay.chats.push(await foreign(relay.chats.length + 1, 'x', `missed ${i}`));
    ann.chat.send('after');
    await until(() => statuses(ann.chat)[1] === 'sent', 'Ann to send');
    bob.transport.reconnect();
    await until(() => texts(bob.chat).length === 132, 'Bob to catch up');
    expect(texts(bob.chat)[131]).toBe('after');
    expect(bob.chat.messages.get().map((m) => m.seq)).toEqual(Array.from({ length: 132 }, (_, i) => i + 1));
  });

  it('shows a message it cannot decrypt as unreadable instead of dropping the chat', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const good = await foreign(1, 'x', 'fine');
    const forged = { ...(await foreign(2, 'y', 'forged')), sender: 'x' }; // another sender's name: AD mismatch
    relay.chats = [good, forged];
    const { chat, problems } = await member(relay.connect(), 'Ann');
    expect(chat.messages.get().map((m) => m.body?.text ?? null)).toEqual(['fine', null]);
    expect(problems.filter((p) => p.kind === 'undecryptable')).toHaveLength(1);
  });

  it('tells the others who is typing, clears it on send, and expires it', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await member(relay.connect(), 'Ann', { typingIdleMs: 10_000 });
    const bob = await member(relay.connect(), 'Bob', { typingExpireMs: 80 });
    ann.chat.typingInput();
    ann.chat.typingInput();
    await until(() => bob.chat.typing.get().length === 1, 'typing at Bob');
    expect(bob.chat.typing.get()).toEqual([ann.room.memberId]);
    expect(relay.typingCalls).toEqual([{ sender: ann.room.memberId, typing: true }]); // throttled

    ann.chat.send('done');
    await until(() => bob.chat.typing.get().length === 0, 'cleared by the message');
    expect(relay.typingCalls.at(-1)).toEqual({ sender: ann.room.memberId, typing: false });

    relay.typingCalls.length = 0;
    ann.chat.typingInput();
    await until(() => bob.chat.typing.get().length === 1, 'typing again');
    // Ann's `false` never comes (her idle timer is long): Bob expires it himself.
    await until(() => bob.chat.typing.get().length === 0, 'expiry', 1000);
    expect(relay.typingCalls).toEqual([{ sender: ann.room.memberId, typing: true }]);
  });
});
