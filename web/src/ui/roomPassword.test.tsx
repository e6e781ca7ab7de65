import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PasswordPage, ProtectionLock } from './PasswordPage';
import { RoomPasswordDialog } from './RoomPasswordDialog';

const textOf = (html: string) => html.replace(/<[^>]+>/g, '');
const buttons = (html: string) => [...html.matchAll(/<button[^>]*>(.*?)<\/button>/g)].map(([, b]) => textOf(b));
const alerts = (html: string) => [...html.matchAll(/<p role="alert"[^>]*>(.*?)<\/p>/g)].map(([, a]) => textOf(a));

/** The accessible name a <label for> gives its input, checking that the input is there and of this type. */
function labelledInput(html: string, label: string, type: string): void {
  const forId = new RegExp(`<label for="([^"]+)">${label}</label>`).exec(html)?.[1];
  expect(forId, `a label "${label}"`).toBeDefined();
  expect(html).toMatch(new RegExp(`<input id="${forId!.replace(/[^\w-]/g, '\\$&')}"[^>]*type="${type}"`));
}

describe('the password page', () => {
  it('asks for the room password instead of showing the room', () => {
    const html = renderToStaticMarkup(<PasswordPage prompt={{ error: null, checking: false }} onEnter={() => {}} />);
    expect(html).toMatch(/<h1[^>]*>This room is protected<\/h1>/);
    labelledInput(html, 'Room password', 'password');
    expect(buttons(html)).toEqual(['Enter room']);
    expect(alerts(html)).toEqual([]);
    expect(html).not.toMatch(/Code editor|Messages/);
  });

  it("shows a refusal in the server's words as an alert", () => {
    const wrong = renderToStaticMarkup(<PasswordPage prompt={{ error: 'Wrong room password.', checking: false }} onEnter={() => {}} />);
    expect(alerts(wrong)).toEqual(['Wrong room password.']);
    expect(wrong).toContain('aria-invalid="true"');
    const checking = renderToStaticMarkup(<PasswordPage prompt={{ error: null, checking: true }} onEnter={() => {}} />);
    expect(checking).toMatch(/<button type="submit"[^>]*disabled=""[^>]*>Enter room<\/button>/);
  });
});

describe('the room password dialog', () => {
  const dialog = (isProtected: boolean) =>
    renderToStaticMarkup(<RoomPasswordDialog isProtected={isProtected} onSave={async () => {}} onClose={() => {}} />);

  it('is named "Room password", with a new password field, Set password and Cancel', () => {
    const html = dialog(false);
    const labelledBy = /<dialog[^>]*aria-labelledby="([^"]+)"/.exec(html)![1];
    expect(html).toContain(`<h2 id="${labelledBy}">Room password</h2>`);
    labelledInput(html, 'New room password', 'password');
    expect(buttons(html)).toEqual(['Cancel', 'Set password']);
  });

  it('offers Remove password only while the room is protected', () => {
    expect(buttons(dialog(true))).toEqual(['Remove password', 'Cancel', 'Set password']);
  });
});

describe('the lock', () => {
  it('is named "Password protected", and there only while the room is', () => {
    expect(renderToStaticMarkup(<ProtectionLock isProtected />)).toMatch(/^<span[^>]*role="img" aria-label="Password protected"/);
    expect(renderToStaticMarkup(<ProtectionLock isProtected={false} />)).toBe('');
  });
});
