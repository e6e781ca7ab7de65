// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, within } from '@testing-library/react';
import { File as NodeFile } from 'node:buffer';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Presence } from '../../chat/presence';
import { SystemLines } from '../../chat/systemLines';
import { foreign, member, ROOM, stopMembers } from '../../chat/testing/chatMembers';
import { FileApi, lastCredentials, memberAuthorization } from '../../files/fileApi';
import { FileTransfers } from '../../files/fileTransfers';
import { FakeFileServer } from '../../files/testing/fakeFileServer';
import { TEST_JOIN_KEY } from '../../wire/testing/devices';
import { FakeRelay } from '../../wire/testing/fakeRelay';
import { until } from '../../wire/testing/waiting';
import type { RoomSession } from '../useRoomSession';
import { ChatPane } from './ChatPane';

// jsdom has <dialog> without its modal behaviour; ConfirmDialog needs only opening and closing.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
});

const watchers: { destroy(): void }[] = [];
afterEach(async () => {
  cleanup();
  for (const watcher of watchers.splice(0)) watcher.destroy();
  await stopMembers();
});

/** A member's chat pane as the room shows it, over the relay; `fileServer` answers its file requests. */
async function pane(relay: FakeRelay, name: string, fileServer?: (auth: string) => typeof fetch) {
  const { room, chat } = await member(relay.connect(), name);
  const presence = new Presence(room, chat);
  const systemLines = new SystemLines(room, presence.members, chat.messages);
  watchers.push(presence, systemLines);
  const fetch = fileServer?.(memberAuthorization(room.membership.get()!));
  const files = new FileTransfers(new FileApi({ roomId: ROOM, credentials: lastCredentials(room.membership), ...(fetch && { fetch }) }));
  // The parts of a session the chat pane uses, each the real one.
  const session = { chat, presence, systemLines, files, sync: room } as unknown as RoomSession;
  const { container } = render(<ChatPane session={session} />);
  return { chat, view: within(container) };
}

type View = Awaited<ReturnType<typeof pane>>['view'];
/** The newest message by `name` (containing `text`, if given), once it shows. */
async function messageBy(view: View, name: string, text = '') {
  const find = () => view.queryAllByRole('article', { name: new RegExp(`^${name},`) }).filter((a) => a.textContent?.includes(text)).at(-1);
  await until(() => !!find(), `a message by ${name} ${text}`);
  return within(find()!);
}
const type = (view: Pick<View, 'getByRole'>, label: string, text: string) => {
  const box = view.getByRole('textbox', { name: label });
  fireEvent.change(box, { target: { value: text } });
  fireEvent.keyDown(box, { key: 'Enter' });
};

async function ann_and_bob() {
  const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
  const ann = await pane(relay, 'Ann');
  const bob = await pane(relay, 'Bob');
  return { relay, ann, bob };
}

describe('message actions in the chat pane', () => {
  it('replies with a quote of the original, which shows the original when clicked', async () => {
    const { ann, bob } = await ann_and_bob();
    act(() => bob.chat.send('How does the cache work?\nDetails follow.'));
    const question = await messageBy(ann.view, 'Bob');
    const joined = ann.view.getByText('Bob joined'); // a local line, named once Bob's name is known
    // The day's separator comes first, before the line that opens the day.
    const today = ann.view.getByRole('heading', { name: 'Today' });
    expect(today.compareDocumentPosition(joined) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(ann.view.getAllByRole('heading', { name: 'Today' })).toHaveLength(1);

    fireEvent.click(question.getByRole('button', { name: 'Reply to Bob' }));
    expect(ann.view.getByText('Replying to').textContent).toBe('Replying to Bob');
    expect(document.activeElement).toBe(ann.view.getByRole('textbox', { name: 'Message' }));
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(ann.view.queryByRole('button', { name: 'Cancel reply' })).toBeNull();

    fireEvent.click(question.getByRole('button', { name: 'Reply to Bob' }));
    type(ann.view, 'Message', 'It keeps the newest page.');
    expect(ann.view.queryByRole('button', { name: 'Cancel reply' })).toBeNull();
    const quote = await bob.view.findByRole('button', { name: 'In reply to Bob: How does the cache work?' });
    await ann.view.findByRole('button', { name: 'In reply to Bob: How does the cache work?' });

    fireEvent.click(quote);
    expect(document.activeElement?.textContent).toContain('Details follow.');
  });

  it('edits own messages in place (Escape cancels, Enter saves) and shows "(edited)" to everyone', async () => {
    const { ann, bob } = await ann_and_bob();
    act(() => ann.chat.send('teh plan'));
    act(() => bob.chat.send('sounds good'));
    await messageBy(ann.view, 'Bob');
    expect((await messageBy(ann.view, 'Bob')).queryByRole('button', { name: 'Edit message' })).toBeNull();
    const mine = await messageBy(ann.view, 'Ann');

    fireEvent.click(mine.getByRole('button', { name: 'Edit message' }));
    fireEvent.change(mine.getByRole('textbox', { name: 'Edit message' }), { target: { value: 'discarded' } });
    fireEvent.keyDown(mine.getByRole('textbox', { name: 'Edit message' }), { key: 'Escape' });
    expect(mine.queryByRole('textbox', { name: 'Edit message' })).toBeNull();

    fireEvent.click(mine.getByRole('button', { name: 'Edit message' }));
    type(mine, 'Edit message', 'the plan');
    const atBob = await messageBy(bob.view, 'Ann', 'the plan');
    await until(() => atBob.queryByText('(edited)') !== null, 'the edit at Bob');
    expect(mine.getByText('(edited)')).toBeTruthy();
    expect(ann.view.queryByText('discarded')).toBeNull();
  });

  it('deletes an own message after confirmation, leaving "Message deleted" without actions', async () => {
    const { ann, bob } = await ann_and_bob();
    act(() => ann.chat.send('oops, a secret'));
    const mine = await messageBy(ann.view, 'Ann');
    await messageBy(bob.view, 'Ann');

    fireEvent.click(mine.getByRole('button', { name: 'Delete message' }));
    const dialog = ann.view.getByRole('dialog', { name: 'Delete message?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await until(() => bob.view.queryByText('Message deleted') !== null, 'the delete at Bob');
    expect(ann.view.queryByText('oops, a secret')).toBeNull();
    expect(bob.view.queryByText('oops, a secret')).toBeNull();
    expect(mine.getByText('Message deleted')).toBeTruthy();
    expect(mine.queryAllByRole('button')).toEqual([]);
    expect(ann.view.queryByRole('dialog')).toBeNull();
    expect(document.activeElement?.textContent).toContain('Message deleted'); // not lost to the page
  });

  it('toggles reactions from the picker (Escape closes it) and the chips, pressed where the member reacted', async () => {
    const { ann, bob } = await ann_and_bob();
    act(() => ann.chat.send('shipped it'));
    const atBob = await messageBy(bob.view, 'Ann');
    fireEvent.click(atBob.getByRole('button', { name: 'Add reaction' }));
    fireEvent.keyDown(atBob.getByRole('button', { name: 'React with 👍' }), { key: 'Escape' });
    expect(atBob.queryByRole('button', { name: 'React with 👍' })).toBeNull();
    expect(document.activeElement).toBe(atBob.getByRole('button', { name: 'Add reaction' }));
    fireEvent.click(atBob.getByRole('button', { name: 'Add reaction' }));
    fireEvent.click(atBob.getByRole('button', { name: 'React with 🎉' }));
    expect(atBob.queryByRole('button', { name: 'React with 🎉' })).toBeNull(); // the picker closes

    const atAnn = await messageBy(ann.view, 'Ann');
    const chip = await atAnn.findByRole('button', { name: '🎉 1, react with 🎉' });
    expect(chip.getAttribute('aria-pressed')).toBe('false');
    expect(atBob.getByRole('button', { name: '🎉 1, react with 🎉' }).getAttribute('aria-pressed')).toBe('true');

    fireEvent.click(chip);
    expect((await atAnn.findByRole('button', { name: '🎉 2, react with 🎉' })).getAttribute('aria-pressed')).toBe('true');
    await atBob.findByRole('button', { name: '🎉 2, react with 🎉' });
    fireEvent.click(atBob.getByRole('button', { name: '🎉 2, react with 🎉' }));
    await atAnn.findByRole('button', { name: '🎉 1, react with 🎉' });
    expect(atBob.getByRole('button', { name: '🎉 1, react with 🎉' }).getAttribute('aria-pressed')).toBe('false');
  });

  it('shows an action the server kept refusing as "Your edit: Not sent", with Retry', async () => {
    const { relay, ann, bob } = await ann_and_bob();
    act(() => ann.chat.send('draft'));
    const mine = await messageBy(ann.view, 'Ann');
    relay.refuseChats = 3; // every try the outbox makes
    fireEvent.click(mine.getByRole('button', { name: 'Edit message' }));
    type(mine, 'Edit message', 'final');
    await ann.view.findByText('Your edit: Not sent');
    expect(mine.queryByText('(edited)')).toBeNull();

    fireEvent.click(ann.view.getByRole('button', { name: 'Retry' }));
    await messageBy(bob.view, 'Ann', 'final');
    expect(ann.view.queryByText('Your edit: Not sent')).toBeNull();
  });

  it('sends the files attached just before Enter with the message, while their size check is still out', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    let answerLimits!: () => void;
    const limitsHeld = new Promise<void>((resolve) => (answerLimits = resolve));
    const ann = await pane(relay, 'Ann', (auth) => {
      const server = new FakeFileServer(16, auth);
      server.maxFileBytes = 50;
      return async (input, init) => {
        if (String(input) === '/api/limits') await limitsHeld;
        return server.fetch(input, init);
      };
    });
    const bob = await pane(relay, 'Bob');
    // Node's File, since jsdom's cannot be read as an ArrayBuffer.
    const notes = new NodeFile(['shared notes'], 'notes.txt', { type: 'text/plain' });
    const big = new NodeFile([new Uint8Array(100)], 'big.bin');
    fireEvent.change(ann.view.getByLabelText('Attach files input'), { target: { files: [notes, big] } });
    type(ann.view, 'Message', 'the notes');
    answerLimits();

    const sent = await messageBy(bob.view, 'Ann', 'the notes');
    expect(sent.getByRole('button', { name: 'Download notes.txt' })).toBeTruthy();
    expect(sent.queryByText(/big\.bin/)).toBeNull();
    // The file the check refused is named, not silently left out.
    expect(ann.view.getByRole('alert').textContent).toBe('big.bin is 100 B; the limit is 50 B.');
    expect(ann.view.queryByRole('list', { name: 'Attachments to send' })).toBeNull();
  });

  it('opens the newest own message in the editor on Up in an empty composer, and gives the focus back after', async () => {
    const { ann } = await ann_and_bob();
    act(() => ann.chat.send('first'));
    act(() => ann.chat.send('second'));
    const second = await messageBy(ann.view, 'Ann', 'second');
    await until(() => ann.chat.messages.get().every((m) => m.status === 'sent'), 'both sent');

    const composer = ann.view.getByRole('textbox', { name: 'Message' });
    fireEvent.keyDown(composer, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(second.getByRole('textbox', { name: 'Edit message' }));
    type(second, 'Edit message', 'second, better');
    expect(document.activeElement).toBe(composer);
    await messageBy(ann.view, 'Ann', 'second, better');
  });

  it('loads earlier pages to show a quoted original that was not loaded yet', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.chats = await Promise.all(Array.from({ length: 59 }, (_, i) => foreign(i + 1, 'x', `m${i + 1}`)));
    relay.chats.push(await foreign(60, 'x', 'about m1', undefined, { replyTo: { sender: 'x', id: relay.chats[0].clientMessageId } }));
    const { view } = await pane(relay, 'Ann');

    fireEvent.click(await view.findByRole('button', { name: 'In reply to x: Original message not loaded' }));
    await until(() => document.activeElement?.tagName === 'ARTICLE', 'the original to take the focus');
    expect(document.activeElement?.textContent).toContain('m1');
    expect(view.getByRole('button', { name: 'In reply to x: m1' })).toBeTruthy();
  });
});
