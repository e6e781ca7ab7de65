// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LobbyToggle, PasswordSetting } from './CreatorControls';

afterEach(cleanup);

describe('settings show their state', () => {
  it('the lobby is a switch named "Lobby" that is checked while it is on and says so', () => {
    const onToggle = vi.fn();
    const { rerender } = render(<LobbyToggle on busy={false} onToggle={onToggle} />);
    const lobby = screen.getByRole('switch', { name: 'Lobby' });
    expect(lobby.getAttribute('aria-checked')).toBe('true');
    expect(lobby.textContent).toContain(': on');
    fireEvent.click(lobby);
    expect(onToggle).toHaveBeenCalledOnce();

    rerender(<LobbyToggle on={false} busy={false} onToggle={onToggle} />);
    expect(screen.getByRole('switch', { name: 'Lobby' }).getAttribute('aria-checked')).toBe('false');
    expect(screen.getByRole('switch', { name: 'Lobby' }).textContent).toContain(': off');
  });

  it('an unprotected room reads "Password: off" and offers to protect it', () => {
    render(<PasswordSetting isProtected={false} canProtect onEdit={() => {}} onRemove={() => {}} />);
    expect(screen.getByText('Password:').textContent).toBe('Password: off');
    expect(screen.getByRole('button', { name: 'Protect with a password' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Remove password' })).toBeNull();
  });

  it('a protected room reads "Password: on" with Change and Remove', () => {
    const onEdit = vi.fn();
    const onRemove = vi.fn();
    render(<PasswordSetting isProtected canProtect onEdit={onEdit} onRemove={onRemove} />);
    expect(screen.getByText('Password:').textContent).toBe('Password: on');
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove password' }));
    expect(onEdit).toHaveBeenCalledOnce();
    expect(onRemove).toHaveBeenCalledOnce();
    expect(screen.queryByRole('button', { name: 'Protect with a password' })).toBeNull();
  });

  it('a guest creator sees why protecting needs an account, and may still remove a password', () => {
    render(<PasswordSetting isProtected canProtect={false} onEdit={() => {}} onRemove={() => {}} />);
    expect((screen.getByRole('button', { name: 'Change password' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Remove password' }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByRole('link').textContent).toMatch(/sign in/i);
  });
});
