import { describe, expect, it } from 'vitest';
import { itemKey, type ChatItem } from './chatTimeline';
import { ActionFold } from './messageActions';
import type { MessageAction, MessageBody } from './messageBody';

const id = (n: number) => `${'S'.repeat(22)}.${n}`;
let seq = 0;

function item(sender: string, n: number, body: Partial<MessageBody> | null, extra: Partial<ChatItem> = {}): ChatItem {
  return {
    key: itemKey(sender, id(n)),
    seq: ++seq,
    sender,
    clientMessageId: id(n),
    sentAt: 0,
    mine: sender === 'ann',
    status: 'sent',
    failure: null,
    body: body && { author: { name: sender, color: '#ffffff' }, text: '', attachments: [], ...body },
    uploads: [],
    ...extra,
  };
}
const message = (sender: string, n: number, text: string, extra: Partial<MessageBody> = {}) => item(sender, n, { text, ...extra });
const act = (sender: string, n: number, action: MessageAction, text = '', extra: Partial<ChatItem> = {}) => item(sender, n, { text, action }, extra);
const react = (sender: string, n: number, to: ChatItem, emoji: string, on = true) =>
  act(sender, n, { type: 'react', to: { sender: to.sender, id: to.clientMessageId }, emoji, on });

describe('folding edits, deletes and reactions into messages', () => {
  it('shows the newest edit by seq, marked edited, and never the actions themselves', () => {
    const hi = message('ann', 1, 'helo');
    const shown = new ActionFold().apply([hi, act('ann', 2, { type: 'edit', id: hi.clientMessageId }, 'hallo'), act('ann', 3, { type: 'edit', id: hi.clientMessageId }, 'hello')]);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ key: hi.key, edited: true, body: { text: 'hello' } });
  });

  it("ignores another member's edit or delete of someone's message: it can only name its own sender's", () => {
    const ann = message('ann', 1, 'mine');
    const shown = new ActionFold().apply([ann, act('mallory', 1, { type: 'edit', id: ann.clientMessageId }, 'pwned'), act('mallory', 2, { type: 'delete', id: ann.clientMessageId })]);
    expect(shown).toEqual([ann]);
  });

  it('shows a deleted message without text, attachments, quote or reactions, whatever edits came after', () => {
    const bob = message('bob', 1, 'see file', { attachments: [{ fileId: 'F', name: 'a.txt' } as never], replyTo: { sender: 'ann', id: id(9) } });
    const shown = new ActionFold().apply([
      bob,
      react('ann', 1, bob, '👍'),
      act('bob', 2, { type: 'delete', id: bob.clientMessageId }),
      act('bob', 3, { type: 'edit', id: bob.clientMessageId }, 'back?'),
    ]);
    expect(shown).toEqual([{ ...bob, deleted: true, body: { author: bob.body!.author, text: '', attachments: [] } }]);
  });

  it('holds an action that arrived before its message (paging back) and applies it once the message loads', () => {
    const fold = new ActionFold();
    const edit = act('bob', 2, { type: 'edit', id: id(1) }, 'later text');
    expect(fold.apply([edit])).toEqual([]);
    const original = { ...message('bob', 1, 'first text'), seq: 1 };
    expect(fold.apply([original, edit])[0]).toMatchObject({ edited: true, body: { text: 'later text' } });
  });

  it('holds a reaction to a message not loaded (or never sent) without showing anything', () => {
    const fold = new ActionFold();
    const like = act('cat', 1, { type: 'react', to: { sender: 'bob', id: id(3) }, emoji: '👍', on: true });
    expect(fold.apply([like])).toEqual([]);
    const later = message('bob', 3, 'here now');
    expect(fold.apply([later, like])[0].reactions).toEqual([{ emoji: '👍', count: 1, mine: false }]);
  });

  it('counts reactions per emoji, the newest of each member and emoji winning, and marks mine', () => {
    const msg = message('bob', 1, 'party');
    const shown = new ActionFold().apply([
      msg,
      react('ann', 1, msg, '🎉'),
      react('bob', 2, msg, '🎉'),
      react('cat', 1, msg, '👍'),
      react('cat', 2, msg, '👍', false),
      react('cat', 3, msg, '🎉'),
      react('ann', 2, msg, '🎉'), // again: still one from Ann
    ]);
    expect(shown[0].reactions).toEqual([{ emoji: '🎉', count: 3, mine: true }]);
  });

  it('applies own unsent actions at once, but not failed ones', () => {
    const msg = message('ann', 1, 'typo');
    const sending = act('ann', 2, { type: 'edit', id: msg.clientMessageId }, 'fixed', { seq: null, status: 'sending' });
    expect(new ActionFold().apply([msg, sending])[0].body?.text).toBe('fixed');
    const failed = { ...sending, status: 'failed' as const, failure: 'Not sent' };
    expect(new ActionFold().apply([msg, failed])).toEqual([msg, failed]); // the failure shows, to retry or discard
  });

  it('keeps an action that carries a gap mark, so the warning still shows', () => {
    const gap = act('bob', 5, { type: 'delete', id: id(9) }, '', { missingBefore: 2 });
    expect(new ActionFold().apply([gap])).toEqual([gap]);
  });

  it('quotes the first line of the replied-to message as edited, or says it is deleted or not loaded', () => {
    const question = message('bob', 1, '\nWhy?\nBecause.');
    const reply = (n: number, to: string) => message('ann', n, 'answer', { replyTo: { sender: 'bob', id: to } });
    const fold = new ActionFold();
    const [, loaded, missing] = fold.apply([question, reply(1, question.clientMessageId), reply(2, id(40))]);
    expect(loaded.quote).toEqual({ key: question.key, sender: 'bob', state: 'loaded', author: question.body!.author, firstLine: 'Why?' });
    expect(missing.quote).toEqual({ key: itemKey('bob', id(40)), sender: 'bob', state: 'missing' });

    const edited = fold.apply([question, reply(1, question.clientMessageId), act('bob', 2, { type: 'edit', id: question.clientMessageId }, 'How?')]);
    expect(edited[1].quote?.firstLine).toBe('How?');
    const deleted = fold.apply([reply(1, question.clientMessageId), act('bob', 2, { type: 'delete', id: question.clientMessageId })]);
    expect(deleted[0].quote?.state).toBe('deleted');
  });

  it('keeps the same object for a message whose effects did not change, so it does not re-render', () => {
    const fold = new ActionFold();
    const msg = message('bob', 1, 'hi');
    const like = react('ann', 1, msg, '👍');
    const first = fold.apply([msg, like])[0];
    const other = message('cat', 1, 'unrelated');
    const again = fold.apply([msg, like, other]);
    expect(again[0]).toBe(first);
    expect(again[1]).toBe(other);
  });
});
