// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PASSWORD_MIN_LENGTH } from '../rooms/roomProtection';
import { PasswordPage, ProtectionLock } from './PasswordPage';
import { RoomPasswordDialog } from './RoomPasswordDialog';
import { expectNothingOfTheRoom, installDialogMethods } from './testDom';

afterEach(cleanup);
beforeAll(installDialogMethods);

/** The field a label names, checking it is a field of this type. */
function field(label: string, type: string): HTMLInputElement {
  const input = screen.getByLabelText(label) as HTMLInputElement;
  expect(input.type).toBe(type);
  return input;
}

const names = (buttons: HTMLElement[]) => buttons.map((b) => b.textContent);

describe('the password page', () => {
  it('asks for the room password instead of showing the room', () => {
    const onEnter = vi.fn();
    render(<PasswordPage prompt={{ error: null, checking: false }} onEnter={onEnter} />);
    expect(screen.getByRole('heading', { level: 1, name: 'This room is protected' })).toBeTruthy();
    const password = field('Room password', 'password');
    expect(document.activeElement).toBe(password);
    expect(names(screen.getAllByRole('button'))).toEqual(['Enter room']);
    expect(screen.queryAllByRole('alert')).toEqual([]);
    expectNothingOfTheRoom();

    fireEvent.change(password, { target: { value: 'open sesame' } });
    fireEvent.click(screen.getByRole('button', { name: 'Enter room' }));
    expect(onEnter).toHaveBeenCalledExactlyOnceWith('open sesame');
  });

  it('says to type the password first instead of sending an empty one', () => {
    const onEnter = vi.fn();
    render(<PasswordPage prompt={{ error: null, checking: false }} onEnter={onEnter} />);
    fireEvent.click(screen.getByRole('button', { name: 'Enter room' }));
    expect(screen.getByRole('alert').textContent).toBe('Type the room password first.');
    expect(onEnter).not.toHaveBeenCalled();
  });

  it("shows a refusal in the server's words as an alert", () => {
    const { unmount } = render(<PasswordPage prompt={{ error: 'Wrong room password.', checking: false }} onEnter={() => {}} />);
    expect(screen.getByRole('alert').textContent).toBe('Wrong room password.');
    const password = field('Room password', 'password');
    expect(password.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').id).toBe(password.getAttribute('aria-describedby'));
    unmount();

    render(<PasswordPage prompt={{ error: null, checking: true }} onEnter={() => {}} />);
    expect((screen.getByRole('button', { name: 'Enter room' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('the room password dialog', () => {
  function renderDialog(isProtected: boolean) {
    const onSave = vi.fn(async (_password: string | null) => {});
    render(<RoomPasswordDialog isProtected={isProtected} onSave={onSave} onClose={() => {}} />);
    return { dialog: screen.getByRole('dialog', { name: 'Room password' }), onSave };
  }

  it('is named "Room password", with a new password field, Set password and Cancel', () => {
    const { dialog } = renderDialog(false);
    expect(document.activeElement).toBe(field('New room password', 'password'));
    expect(names(within(dialog).getAllByRole('button'))).toEqual(['Cancel', 'Set password']);
  });

  it('names a password that is too short at once, and saves one long enough', () => {
    const { onSave } = renderDialog(false);
    const password = field('New room password', 'password');
    fireEvent.change(password, { target: { value: 'x'.repeat(PASSWORD_MIN_LENGTH - 1) } });
    fireEvent.click(screen.getByRole('button', { name: 'Set password' }));
    expect(screen.getByRole('alert').textContent).toBe(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
    expect(password.getAttribute('aria-invalid')).toBe('true');
    expect(onSave).not.toHaveBeenCalled();

    fireEvent.change(password, { target: { value: 'x'.repeat(PASSWORD_MIN_LENGTH) } });
    fireEvent.click(screen.getByRole('button', { name: 'Set password' }));
    expect(onSave).toHaveBeenCalledExactlyOnceWith('x'.repeat(PASSWORD_MIN_LENGTH));
  });

  it('offers Remove password only while the room is protected', () => {
    const { dialog, onSave } = renderDialog(true);
    expect(names(within(dialog).getAllByRole('button'))).toEqual(['Remove password', 'Cancel', 'Set password']);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove password' }));
    expect(onSave).toHaveBeenCalledExactlyOnceWith(null);
  });
});

describe('the lock', () => {
  it('is named "Password protected", and there only while the room is', () => {
    const { rerender, container } = render(<ProtectionLock isProtected />);
    expect(screen.getByRole('img', { name: 'Password protected' })).toBeTruthy();
    rerender(<ProtectionLock isProtected={false} />);
    expect(screen.queryByRole('img')).toBeNull();
    expect(container.childElementCount).toBe(0);
  });
});
