// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfirmDialog } from './ConfirmDialog';
import { MemberItems } from './MembersPanel';
import { removalText } from './RemovalNotices';
import { RoomClosedPage } from './RoomClosedPage';
import { expectNothingOfTheRoom, installDialogMethods } from './testDom';
import { member } from './testMembers';

afterEach(cleanup);
beforeAll(installDialogMethods);

const members = [member('a', 'Ann', { isSelf: true, isCreator: true }), member('b', 'Bob'), member('c', 'Cat', { status: 'offline' })];

/** The list under a "Members" heading, as the members panel names it. */
function renderMembers(canKick: boolean, onKick = () => {}) {
  render(
    <>
      <h2 id="h">Members</h2>
      <MemberItems members={members} labelledBy="h" canKick={canKick} onKick={onKick} />
    </>,
  );
  return within(screen.getByRole('list', { name: 'Members' })).getAllByRole('listitem');
}

describe('member list', () => {
  it('marks the creator for everyone and offers no kicking to others', () => {
    const items = renderMembers(false);
    expect(items.map((li) => li.textContent)).toEqual(['Ann (you) creator online', 'Bob online', 'Cat offline']);
    expect(screen.queryAllByRole('button')).toEqual([]);
  });

  it('gives the creator a "Kick {name}" button on every other member', () => {
    const onKick = vi.fn();
    const [ann, bob, cat] = renderMembers(true, onKick);
    expect(within(ann).queryAllByRole('button')).toEqual([]);
    expect(within(bob).getAllByRole('button')).toEqual([within(bob).getByRole('button', { name: 'Kick Bob' })]);
    expect(within(cat).getAllByRole('button')).toEqual([within(cat).getByRole('button', { name: 'Kick Cat' })]);
    fireEvent.click(screen.getByRole('button', { name: 'Kick Cat' }));
    expect(onKick).toHaveBeenCalledExactlyOnceWith(members[2]);
  });
});

describe('confirmation dialog', () => {
  function renderDialog() {
    const onConfirm = vi.fn(async () => {});
    const onClose = vi.fn();
    render(
      <ConfirmDialog title="Remove Bob?" confirmLabel="Kick" onConfirm={onConfirm} onClose={onClose}>
        <p>Bob is disconnected.</p>
      </ConfirmDialog>,
    );
    return { onConfirm, onClose };
  }

  it('is a dialog named by its title, with the action and Cancel', async () => {
    const { onConfirm, onClose } = renderDialog();
    const dialog = screen.getByRole('dialog', { name: 'Remove Bob?', description: 'Bob is disconnected.' });
    expect(within(dialog).getAllByRole('button').map((b) => b.textContent)).toEqual(['Cancel', 'Kick']);
    // Cancel takes the first focus, so a stray Enter destroys nothing.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));

    fireEvent.click(within(dialog).getByRole('button', { name: 'Kick' }));
    expect(onConfirm).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(onClose).toHaveBeenCalledOnce());
  });

  it('Cancel closes it without acting', () => {
    const { onConfirm, onClose } = renderDialog();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledOnce();
    expect(onConfirm).not.toHaveBeenCalled();
  });
});

describe('closed room pages', () => {
  it('say why the room is gone, with nothing of the room left', () => {
    const { unmount } = render(<RoomClosedPage reason="removed" />);
    const removed = screen.getByRole('heading', { level: 1, name: 'You were removed from this room' });
    // The room vanished from under the person's focus: it goes to the explanation.
    expect(document.activeElement).toBe(removed);
    expectNothingOfTheRoom();
    unmount();

    render(<RoomClosedPage reason="ended" />);
    expect(screen.getByRole('heading', { level: 1, name: 'This session has ended' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Start a new session' })).toBeTruthy();
    expectNothingOfTheRoom();
  });

  it('announces removals by name', () => {
    expect(removalText('Bob')).toBe('Bob was removed');
    expect(removalText(null)).toBe('A member was removed');
  });
});
