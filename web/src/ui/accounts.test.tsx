import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ChatSync } from '../chat/chatSync';
import { SignInPage, RegisterPage } from './AccountPages';
import { Composer, type Staged } from './chat/Composer';

const textOf = (html: string) => html.replace(/<[^>]+>/g, '');
const buttons = (html: string) => [...html.matchAll(/<button[^>]*>(.*?)<\/button>/gs)].map(([, b]) => textOf(b).trim());

/** The input a <label for> names, checking it is there and of this type. */
function labelledInput(html: string, label: string, type: string): string {
  const forId = new RegExp(`<label for="([^"]+)">${label}</label>`).exec(html)?.[1];
  expect(forId, `a label "${label}"`).toBeDefined();
  const input = new RegExp(`<input id="${forId!.replace(/[^\w-]/g, '\\$&')}"[^>]*>`).exec(html)?.[0];
  expect(input, `the input of "${label}"`).toBeDefined();
  expect(input).toContain(`type="${type}"`);
  return input!;
}

describe('account pages', () => {
  it('sign in with a labelled user name and password, and a way to register', () => {
    const html = renderToStaticMarkup(<SignInPage />);
    expect(html).toMatch(/<h1[^>]*>Sign in<\/h1>/);
    expect(labelledInput(html, 'User name', 'text')).toContain('autoComplete="username"');
    expect(labelledInput(html, 'Password', 'password')).toContain('current-password');
    expect(buttons(html)).toEqual(['Sign in']);
    expect(html).toMatch(/<a href="\/register"[^>]*>Register<\/a>/);
  });

  it('register asks for a new password of at least 8 characters', () => {
    const html = renderToStaticMarkup(<RegisterPage />);
    expect(html).toMatch(/<h1[^>]*>Register<\/h1>/);
    labelledInput(html, 'User name', 'text');
    expect(labelledInput(html, 'Password', 'password')).toContain('new-password');
    expect(html).toContain('At least 8 characters');
    expect(buttons(html)).toEqual(['Register']);
    expect(html).toMatch(/<a href="\/signin"[^>]*>Sign in<\/a>/);
  });
});

describe('the composer', () => {
  const staged: Staged = { tasks: [], refused: [], attach: () => {}, remove: () => {}, take: () => [] };
  const chat = {} as ChatSync;
  const attachButton = (html: string) => /<button[^>]*aria-label="Attach files"[^>]*>/.exec(html)![0];

  it('turns the attach button off for a guest and says why, with a way to sign in', () => {
    const html = renderToStaticMarkup(<Composer chat={chat} staged={staged} shareFiles={false} />);
    const button = attachButton(html);
    expect(button).toContain('disabled=""');
    const describedBy = /aria-describedby="([^"]+)"/.exec(button)![1];
    expect(html).toMatch(new RegExp(`<a href="/signin" id="${describedBy}"[^>]*>Sign in to share files</a>`));
  });

  it('lets a member who may share files attach them', () => {
    const html = renderToStaticMarkup(<Composer chat={chat} staged={staged} shareFiles />);
    expect(attachButton(html)).not.toContain('disabled');
    expect(html).not.toContain('Sign in to share files');
  });
});
