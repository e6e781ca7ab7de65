import { afterEach, describe, expect, it } from 'vitest';
import { TEST_JOIN_KEY } from '../wire/testing/devices';
import { FakeRelay } from '../wire/testing/fakeRelay';
import { sleep, until } from '../wire/testing/waiting';
import type { ChatSync } from './chatSync';
import { foreign, member, ROOM, stopMembers } from './testing/chatMembers';

afterEach(stopMembers);

const texts = (chat: ChatSync) => chat.messages.get().map((m) => m.body?.text);
const ref = (chat: ChatSync, i: number) => ({ sender: chat.messages.get()[i].sender, id: chat.messages.get()[i].clientMessageId });

describe('replies, edits, deletes and reactions over the relay', () => {
  it('reach the others as ordinary chat envelopes and show folded into their messages, with no order problems', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await member(relay.connect(), 'Ann');
    const bob = await member(relay.connect(), 'Bob');
    ann.chat.send('helo');
    ann.chat.send('second');
    await until(() => texts(bob.chat).length === 2, 'Bob to get both');

    bob.chat.send('hi Ann', [], ref(bob.chat, 0));
    bob.chat.act({ type: 'react', to: ref(bob.chat, 0), emoji: '👍', on: true });
    ann.chat.act({ type: 'edit', id: ref(ann.chat, 0).id }, 'hello\n');
    ann.chat.act({ type: 'delete', id: ref(ann.chat, 1).id });
    await until(() => relay.chats.length === 6, 'all six stored');
    const settled = (chat: ChatSync) => {
      const [first, second] = chat.messages.get();
      return texts(chat).length === 3 && first.edited === true && !!first.reactions && second.deleted === true;
    };
    await until(() => settled(bob.chat) && settled(ann.chat), 'both to see everything');

    for (const chat of [ann.chat, bob.chat]) {
      const [edited, deleted, reply] = chat.messages.get();
      expect(edited).toMatchObject({ edited: true, body: { text: 'hello' }, reactions: [{ emoji: '👍', count: 1, mine: chat === bob.chat }] });
      expect(deleted).toMatchObject({ deleted: true, body: { text: '' } });
      expect(reply.quote).toMatchObject({ state: 'loaded', firstLine: 'hello', author: { name: 'Ann' } });
    }
    expect(bob.problems).toEqual([]);
    expect(ann.problems).toEqual([]);
    expect(bob.chat.messages.get().some((m) => m.missingBefore)).toBe(false);
  });

  it("ignores another member's edit and delete of someone's message", async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const original = await foreign(1, 'bob', 'the real text');
    relay.chats = [
      original,
      await foreign(2, 'mallory', 'forged text', undefined, { action: { type: 'edit', id: original.clientMessageId } }),
      await foreign(3, 'mallory', '', undefined, { action: { type: 'delete', id: original.clientMessageId } }),
    ];
    const { chat } = await member(relay.connect(), 'Ann');
    expect(chat.messages.get()).toHaveLength(1);
    expect(chat.messages.get()[0]).toMatchObject({ body: { text: 'the real text' } });
    expect(chat.messages.get()[0].edited).toBeUndefined();
    expect(chat.messages.get()[0].deleted).toBeUndefined();
  });

  it('applies an edit from a newer page once paging back loads its message', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.chats = await Promise.all(Array.from({ length: 59 }, (_, i) => foreign(i + 1, 'x', `m${i + 1}`)));
    relay.chats.push(await foreign(60, 'x', 'm1, corrected', undefined, { action: { type: 'edit', id: relay.chats[0].clientMessageId } }));
    const { chat } = await member(relay.connect(), 'Ann', { pageSize: 50 });
    expect(texts(chat)).toEqual(Array.from({ length: 49 }, (_, i) => `m${i + 11}`)); // the edit itself is not a message

    await chat.loadEarlier();
    expect(chat.messages.get()[0]).toMatchObject({ edited: true, body: { text: 'm1, corrected' } });
  });

  it('shows an edit whose reference is malformed as an unreadable message', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.chats = [await foreign(1, 'x', 'fine'), await foreign(2, 'x', 'sneaky', undefined, { action: { type: 'edit', id: 'not-an-id' } })];
    const { chat, problems } = await member(relay.connect(), 'Ann');
    expect(chat.messages.get().map((m) => m.body?.text ?? null)).toEqual(['fine', null]);
    expect(problems.map((p) => p.kind)).toEqual(['undecryptable']);
  });

  it('retries an action like a message and shows its failure until retried or discarded', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const ann = await member(relay.connect(), 'Ann', { maxAttempts: 1 });
    ann.chat.send('typo');
    await until(() => ann.chat.messages.get()[0]?.status === 'sent', 'the message');
    relay.refuseChats = 1;
    ann.chat.act({ type: 'edit', id: ref(ann.chat, 0).id }, 'fixed');
    await until(() => ann.chat.messages.get().length === 2, 'the failure');
    const [message, failed] = ann.chat.messages.get();
    expect(message.body?.text).toBe('typo'); // a failed edit changes nothing
    expect(failed).toMatchObject({ status: 'failed', body: { action: { type: 'edit' } } });

    ann.chat.retry(failed.clientMessageId);
    await until(() => ann.chat.messages.get().length === 1 && relay.chats.length === 2, 'the retry');
    await sleep(10);
    expect(ann.chat.messages.get()[0]).toMatchObject({ edited: true, body: { text: 'fixed' } });
  });
});
