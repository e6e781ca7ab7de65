// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfirmDialog } from './ConfirmDialog';
import { PasswordSetting } from './CreatorControls';
import { RenewLinkButton } from './RoomControls';
import { RoomMenuView } from './RoomMenu';
import { EditorHint, focusPane, isMac, SkipLinks, usePaneShortcuts, type Pane } from './roomKeyboard';
import { installDialogMethods } from './testDom';
import { member } from './testMembers';

afterEach(cleanup);

beforeAll(installDialogMethods);

/** Focuses and clicks, as Enter on a focused button does. */
function press(button: HTMLElement) {
  button.focus();
  fireEvent.click(button);
}

describe('focus after a dialog', () => {
  it('Cancel gives the focus back to the button that opened it', () => {
    render(<RenewLinkButton onRenew={async () => {}} />);
    const opener = screen.getByRole('button', { name: 'Renew invite link' });
    press(opener);
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    expect(document.activeElement).toBe(cancel);
    fireEvent.click(cancel);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('a dialog opened from the room menu gives the focus back to its button there', () => {
    render(
      <RoomMenuView
        roomId="R00m-id_22charsXXXXXXX"
        members={[member('a', 'Ann', { isSelf: true, isCreator: true }), member('b', 'Bob')]}
        isCreator
        fingerprintOf={() => null}
        kick={async () => {}}
        leave={async () => {}}
        settings={null}
      />,
    );
    press(screen.getByRole('button', { name: 'Room menu' }));
    const kick = screen.getByRole('button', { name: 'Kick Bob' });
    press(kick);
    expect(screen.getByRole('dialog', { name: 'Remove Bob?' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('group', { name: 'Room menu' })).toBeTruthy();
    expect(document.activeElement).toBe(kick);
  });

  it('when the button that opened it is gone, the focus goes to what took its place', async () => {
    function RemovePassword() {
      const [isProtected, setProtected] = useState(true);
      const [removing, setRemoving] = useState(false);
      return (
        <>
          <PasswordSetting isProtected={isProtected} canProtect onEdit={() => {}} onRemove={() => setRemoving(true)} />
          {removing && (
            <ConfirmDialog
              title="Remove the password?"
              confirmLabel="Remove password"
              onConfirm={async () => setProtected(false)}
              onClose={() => setRemoving(false)}
            >
              <p>Anyone with the link can come in.</p>
            </ConfirmDialog>
          )}
        </>
      );
    }
    render(<RemovePassword />);
    press(screen.getByRole('button', { name: 'Remove password' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove the password?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove password' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Protect with a password' }));
  });
});

describe('moving between the editor and the chat', () => {
  it('says how to leave the editor with the key Monaco uses on this platform', () => {
    expect(isMac('MacIntel')).toBe(true);
    expect(isMac('Win32')).toBe(false);
    expect(isMac('Linux x86_64')).toBe(false);
    const { unmount } = render(<EditorHint mac={false} />);
    expect(screen.getByText(/Leave the editor/).textContent).toBe(
      'Leave the editor: Ctrl+M, then Tab · Go to the chat: Alt+Shift+C · Back to the editor: Alt+Shift+E',
    );
    unmount();
    render(<EditorHint mac />);
    expect(screen.getByText(/Leave the editor/).textContent).toContain('Ctrl+Shift+M, then Tab');
  });

  it('the skip links are buttons, so they never touch the URL fragment that holds the key', () => {
    const goTo = vi.fn();
    render(<SkipLinks goTo={goTo} />);
    fireEvent.click(screen.getByRole('button', { name: 'Skip to chat' }));
    fireEvent.click(screen.getByRole('button', { name: 'Skip to editor' }));
    expect(goTo.mock.calls).toEqual([['chat'], ['code']]);
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('Alt+Shift+C and Alt+Shift+E move the focus to the composer and the editor, from anywhere', () => {
    function Room() {
      const [shown, setShown] = useState<Pane>('code');
      usePaneShortcuts((pane) => focusPane(pane, setShown));
      return (
        <>
          <div className="editor-host">
            <textarea aria-label="Code editor" />
          </div>
          <textarea aria-label="Message" />
          <output>{shown}</output>
        </>
      );
    }
    render(<Room />);
    const editor = screen.getByRole('textbox', { name: 'Code editor' });
    const composer = screen.getByRole('textbox', { name: 'Message' });
    editor.focus();

    fireEvent.keyDown(editor, { key: 'C', code: 'KeyC', altKey: true, shiftKey: true });
    expect(document.activeElement).toBe(composer);
    expect(screen.getByRole('status').textContent).toBe('chat');

    // Option+Shift+E on a Mac types "´": the physical key is what counts.
    fireEvent.keyDown(composer, { key: '´', code: 'KeyE', altKey: true, shiftKey: true });
    expect(document.activeElement).toBe(editor);

    // Without Alt it is just typing.
    fireEvent.keyDown(editor, { key: 'C', code: 'KeyC', shiftKey: true });
    expect(document.activeElement).toBe(editor);
  });

  it('the shortcuts leave an open dialog alone', () => {
    const goTo = vi.fn();
    function WithDialog() {
      usePaneShortcuts(goTo);
      return <dialog open>Sure?</dialog>;
    }
    render(<WithDialog />);
    act(() => {
      fireEvent.keyDown(document.body, { code: 'KeyC', altKey: true, shiftKey: true });
    });
    expect(goTo).not.toHaveBeenCalled();
  });
});
