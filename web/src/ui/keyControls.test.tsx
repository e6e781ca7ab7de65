// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KeyWaitPage } from './LobbyPages';
import { MemberItems } from './MembersPanel';
import { RoomClosedPage } from './RoomClosedPage';
import { HistoryCheckbox, LeaveRoomButton, RenameRoomForm, RenewLinkButton } from './RoomControls';
import { expectNothingOfTheRoom, installDialogMethods } from './testDom';
import { member } from './testMembers';

afterEach(cleanup);
beforeAll(installDialogMethods);

const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;

describe('fingerprints in the member list', () => {
  const fingerprints = new Map([
    ['a', '11111 22222 33333 44444 55555 66666'],
    ['b', '04213 99120 00017 63534 20901 77413'],
  ]);
  const members = [member('a', 'Ann', { isSelf: true }), member('b', 'Bob'), member('c', 'Cat')];
  const renderList = () =>
    render(<MemberItems members={members} labelledBy="h" canKick={false} onKick={() => {}} fingerprintOf={(m) => fingerprints.get(m.memberId) ?? null} />);
  const fingerprint = (label: string) => {
    const element = screen.getByLabelText(label);
    return { tag: element.tagName.toLowerCase(), text: element.textContent };
  };

  it("name each member's fingerprint after the member, and this device's as yours", () => {
    renderList();
    expect(fingerprint('Your fingerprint')).toEqual({ tag: 'code', text: '11111 22222 33333 44444 55555 66666' });
    expect(fingerprint('Fingerprint of Bob')).toEqual({ tag: 'code', text: '04213 99120 00017 63534 20901 77413' });
  });

  it('show nothing for a member whose keys this browser has not seen', () => {
    renderList();
    expect(screen.queryByLabelText('Fingerprint of Cat')).toBeNull();
  });
});

describe("the creator's key settings", () => {
  it('rename the room through a "Room name" field and a "Save name" button', async () => {
    const onSave = vi.fn(async (_name: string) => {});
    render(<RenameRoomForm name="Friday pairing" canName onSave={onSave} />);
    const name = screen.getByRole('textbox', { name: 'Room name' }) as HTMLInputElement;
    expect(name.value).toBe('Friday pairing');
    expect(name.maxLength).toBe(80);
    expect(screen.getAllByRole('button')).toEqual([button('Save name')]);
    expect([name.disabled, button('Save name').disabled]).toEqual([false, false]);
    expect(screen.queryByText('Sign in to name this room')).toBeNull();

    fireEvent.change(name, { target: { value: 'Monday review' } });
    fireEvent.click(button('Save name'));
    await vi.waitFor(() => expect(onSave).toHaveBeenCalledExactlyOnceWith('Monday review'));
  });

  it('keep renaming disabled, saying why, without the naming ability', () => {
    render(<RenameRoomForm name="" canName={false} onSave={async () => {}} />);
    expect((screen.getByRole('textbox', { name: 'Room name' }) as HTMLInputElement).disabled).toBe(true);
    const save = screen.getByRole('button', { name: 'Save name', description: 'Sign in to name this room' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
  });

  it('show history visibility as a labelled checkbox', () => {
    const onChange = vi.fn();
    const { rerender } = render(<HistoryCheckbox visible busy={false} onChange={onChange} />);
    const history = () => screen.getByRole('checkbox', { name: 'History visible to new members' }) as HTMLInputElement;
    expect([history().checked, history().disabled]).toEqual([true, false]);
    fireEvent.click(history());
    expect(onChange).toHaveBeenCalledExactlyOnceWith(false);

    rerender(<HistoryCheckbox visible={false} busy onChange={onChange} />);
    expect([history().checked, history().disabled]).toEqual([false, true]);
  });

  it('offer "Renew invite link", and members "Leave room", each asking first', () => {
    const onRenew = vi.fn(async () => {});
    const onLeave = vi.fn(async () => {});
    render(
      <>
        <RenewLinkButton onRenew={onRenew} />
        <LeaveRoomButton onLeave={onLeave} />
      </>,
    );
    for (const [name, question] of [
      ['Renew invite link', 'Renew the invite link?'],
      ['Leave room', 'Leave this room?'],
    ]) {
      expect(button(name).getAttribute('aria-haspopup')).toBe('dialog');
      fireEvent.click(button(name));
      expect(screen.getByRole('dialog', { name: question })).toBeTruthy();
      fireEvent.click(button('Cancel'));
      expect(screen.queryByRole('dialog')).toBeNull();
    }
    expect(onRenew).not.toHaveBeenCalled();
    expect(onLeave).not.toHaveBeenCalled();
  });
});

describe('pages without the room', () => {
  it('say a joiner waits for a member to share the keys, with nothing of the room', () => {
    render(<KeyWaitPage />);
    const heading = screen.getByRole('heading', { level: 1, name: "Waiting for a member to share the room's keys" });
    expect(document.activeElement).toBe(heading);
    expect(screen.queryAllByRole('button')).toEqual([]);
    expectNothingOfTheRoom();
  });

  it('say the person left', () => {
    render(<RoomClosedPage reason="left" />);
    expect(screen.getByRole('heading', { level: 1, name: 'You left this room' })).toBeTruthy();
    expectNothingOfTheRoom();
  });
});
