// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatSync } from '../chat/chatSync';
import { SignInPage, RegisterPage } from './AccountPages';
import { Composer, type Staged } from './chat/Composer';

afterEach(cleanup);

/** The field a label names, checking it is a field of this type. */
function field(label: string, type: string): HTMLInputElement {
  const input = screen.getByLabelText(label) as HTMLInputElement;
  expect(input.type).toBe(type);
  return input;
}

const buttonNames = () => screen.getAllByRole('button').map((b) => b.textContent);

describe('account pages', () => {
  it('sign in with a labelled user name and password, and a way to register', () => {
    render(<SignInPage />);
    expect(screen.getByRole('heading', { level: 1, name: 'Sign in' })).toBeTruthy();
    expect(field('User name', 'text').getAttribute('autocomplete')).toBe('username');
    expect(field('Password', 'password').getAttribute('autocomplete')).toBe('current-password');
    expect(buttonNames()).toEqual(['Sign in']);
    expect(screen.getByRole('link', { name: 'Register' }).getAttribute('href')).toBe('/register');
    expect(document.title).toBe('Sign in · Parley');
  });

  it('register asks for a new password of at least 8 characters', () => {
    render(<RegisterPage />);
    expect(screen.getByRole('heading', { level: 1, name: 'Register' })).toBeTruthy();
    field('User name', 'text');
    const password = field('Password', 'password');
    expect(password.getAttribute('autocomplete')).toBe('new-password');
    expect(password.minLength).toBe(8);
    // The rule is the field's description, read out with it.
    const rule = screen.getByText('At least 8 characters; a few words make a strong one.');
    expect(password.getAttribute('aria-describedby')).toBe(rule.id);
    expect(buttonNames()).toEqual(['Register']);
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/signin');
  });
});

describe('the composer', () => {
  const staged: Staged = { tasks: [], refused: [], attach: () => {}, remove: () => {}, take: async () => [] };
  const chat = {} as ChatSync;
  const attachButton = () => screen.getByRole('button', { name: 'Attach files' }) as HTMLButtonElement;

  it('turns the attach button off for a guest and says why, with a way to sign in', () => {
    render(<Composer chat={chat} staged={staged} shareFiles={false} />);
    const reason = screen.getByRole('link', { name: 'Sign in to share files' });
    expect(reason.getAttribute('href')).toBe('/signin');
    expect(attachButton().disabled).toBe(true);
    expect(attachButton().getAttribute('aria-describedby')).toBe(reason.id);
    expect(screen.getByRole('button', { name: 'Attach files', description: 'Sign in to share files' })).toBe(attachButton());
  });

  it('lets a member who may share files attach them', () => {
    render(<Composer chat={chat} staged={staged} shareFiles />);
    expect(attachButton().disabled).toBe(false);
    expect(screen.queryByText('Sign in to share files')).toBeNull();
    // The visible button opens the hidden file picker.
    const pick = vi.spyOn(screen.getByLabelText('Attach files input'), 'click').mockImplementation(() => {});
    fireEvent.click(attachButton());
    expect(pick).toHaveBeenCalledOnce();
  });
});
