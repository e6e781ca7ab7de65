// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MemberPresence } from '../chat/presence';
import { KeyChangedView, keyChangedText } from './KeyChangedNote';
import { RoomMenuView } from './RoomMenu';
import { installDialogMethods } from './testDom';
import { member } from './testMembers';

afterEach(cleanup);
beforeAll(installDialogMethods);

const members = [
  member('a', 'Ann', { isSelf: true, isCreator: true }),
  member('b', 'Bob', { status: 'away' }),
  member('c', 'Cat', { status: 'offline' }),
];
const fingerprints = new Map([
  ['a', '11111 22222 33333 44444 55555 66666'],
  ['b', '04213 99120 00017 63534 20901 77413'],
]);

const KEY_CHANGED_AT = Date.UTC(2026, 10, 29, 14, 2);

function renderMenu(isCreator: boolean, list: readonly MemberPresence[] = members, kick = async (_m: MemberPresence) => {}) {
  render(
    <RoomMenuView
      roomId="R00m-id_22charsXXXXXXX"
      members={list}
      isCreator={isCreator}
      fingerprintOf={(m) => fingerprints.get(m.memberId) ?? null}
      kick={kick}
      leave={async () => {}}
      keyChanged={<KeyChangedView at={KEY_CHANGED_AT} />}
      settings={<p>the creator&apos;s settings</p>}
    />,
  );
  return screen.getByRole('button', { name: 'Room menu' });
}

/** Opens the menu and gives its panel. */
function openMenu(isCreator: boolean, list?: readonly MemberPresence[], kick?: (m: MemberPresence) => Promise<void>) {
  fireEvent.click(renderMenu(isCreator, list, kick));
  return screen.getByRole('group', { name: 'Room menu' });
}

const memberItems = () => within(screen.getByRole('list', { name: 'Members' })).getAllByRole('listitem');
const buttonNames = (element: HTMLElement) => within(element).queryAllByRole('button').map((b) => b.textContent);

describe('the room menu', () => {
  it('is a "Room menu" button controlling a closed panel of the same name', () => {
    const button = renderMenu(false);
    expect(button.getAttribute('aria-expanded')).toBe('false');
    // A hidden element has no computed name, so its label is read from the attribute here; opened, it is found by name.
    const panel = screen.getByRole('group', { hidden: true });
    expect(panel.getAttribute('aria-label')).toBe('Room menu');
    expect(button.getAttribute('aria-controls')).toBe(panel.id);
    expect(panel.hidden).toBe(true);
    expect(screen.queryByRole('heading', { name: /^Members/ })).toBeNull(); // closed: nothing of it is perceivable

    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('group', { name: 'Room menu' })).toBe(panel);
    expect(within(panel).getByRole('heading', { name: 'Members (3)' })).toBeTruthy();

    fireEvent.keyDown(screen.getByRole('link', { name: 'Files' }), { key: 'Escape' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(button);
  });

  it('starts with the member count, then the "Members" list, the files, and the settings', () => {
    openMenu(true);
    const order = [
      screen.getByRole('heading', { name: 'Members (3)' }),
      screen.getByRole('list', { name: 'Members' }),
      screen.getByRole('link', { name: 'Files' }),
      screen.getByRole('heading', { name: 'Room settings' }),
    ];
    for (let i = 1; i < order.length; i++) {
      expect(order[i - 1].compareDocumentPosition(order[i]) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    }
  });

  it("lists each member's role, status and device fingerprint", () => {
    openMenu(false);
    const [ann, bob, cat] = memberItems();
    expect(within(ann).getByLabelText('Your fingerprint').textContent).toBe(fingerprints.get('a'));
    expect(within(bob).getByLabelText('Fingerprint of Bob').textContent).toBe(fingerprints.get('b'));
    expect([ann, bob, cat].map((li) => li.textContent)).toEqual([
      `Ann (you) creator online${fingerprints.get('a')}`,
      `Bob away${fingerprints.get('b')}`,
      'Cat offline',
    ]);
    expect([ann, bob, cat].map(buttonNames)).toEqual([[], [], []]);
  });

  it('counts whoever is listed', () => {
    openMenu(false, members.slice(0, 1));
    expect(screen.getByRole('heading', { name: 'Members (1)' })).toBeTruthy();
  });

  it("links to the room's files", () => {
    openMenu(false);
    expect(screen.getByRole('link', { name: 'Files' }).getAttribute('href')).toBe('/rooms/R00m-id_22charsXXXXXXX/files');
    cleanup();
    openMenu(true);
    expect(screen.getByRole('link', { name: 'Files' }).getAttribute('href')).toBe('/rooms/R00m-id_22charsXXXXXXX/files');
  });

  it('gives the creator "Kick {name}" on everyone else and the "Room settings" group, without "Leave room"', async () => {
    const kick = vi.fn(async (_m: MemberPresence) => {});
    openMenu(true, members, kick);
    expect(memberItems().map(buttonNames)).toEqual([[], ['Kick Bob'], ['Kick Cat']]);
    const settings = screen.getByRole('group', { name: 'Room settings' });
    expect(within(settings).getByText("the creator's settings")).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Leave room' })).toBeNull();

    // Kicking asks first, naming whom.
    fireEvent.click(screen.getByRole('button', { name: 'Kick Bob' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove Bob?' });
    expect(kick).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Kick' }));
    expect(kick).toHaveBeenCalledExactlyOnceWith(members[1]);
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('gives everyone else "Leave room", with no settings and no kicking', () => {
    const panel = openMenu(false);
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['☰Room menu', 'Leave room']);
    expect(within(panel).getByRole('button', { name: 'Leave room' })).toBeTruthy();
    expect(screen.queryByRole('group', { name: 'Room settings' })).toBeNull();
    expect(screen.queryByText(/Room settings|the creator/)).toBeNull();
  });
});

describe('when the key changed', () => {
  it('is in the menu for every member, in local time', () => {
    for (const isCreator of [false, true]) {
      const panel = openMenu(isCreator);
      expect(within(panel).getByText(keyChangedText(KEY_CHANGED_AT))).toBeTruthy();
      cleanup();
    }
  });

  it('says the time alone today, the date too before', () => {
    const at = new Date(2026, 10, 30, 14, 2).getTime(); // local time
    expect(keyChangedText(at, new Date(2026, 10, 30, 18, 0).getTime(), 'en-GB')).toBe('Key changed 14:02');
    expect(keyChangedText(at, new Date(2026, 11, 1, 9, 0).getTime(), 'en-GB')).toBe('Key changed 30 Nov 2026, 14:02');
  });

  it('is not shown before the room has a key', () => {
    const { container } = render(<KeyChangedView at={null} />);
    expect(container.textContent).toBe('');
  });
});

