import { useEffect, useRef } from 'react';

/** The two places a keyboard user moves between in a room. */
export type Pane = 'code' | 'chat';

/**
 * The app's own keys to jump to the chat or to the editor. Monaco binds Alt+Shift with arrows, A, F
 * and I, never C or E; and they work from inside the editor, where Tab only types spaces. Matched by
 * `code`, not `key`: on a Mac, Option+Shift+C types "Ç".
 */
export const PANE_SHORTCUTS: Record<Pane, { code: string; text: string }> = {
  chat: { code: 'KeyC', text: 'Alt+Shift+C' },
  code: { code: 'KeyE', text: 'Alt+Shift+E' },
};

/** True on macOS, where Monaco's keys differ (WinCtrl rather than CtrlCmd). */
export function isMac(platform = navigatorPlatform()): boolean {
  return /mac/i.test(platform);
}

function navigatorPlatform(): string {
  const withHints = navigator as Navigator & { userAgentData?: { platform?: string } };
  return withHints.userAgentData?.platform ?? navigator.platform ?? '';
}

/**
 * Monaco's "Toggle Tab Key Moves Focus" (editor.action.toggleTabFocusMode): Ctrl+M, and on macOS
 * Ctrl+Shift+M (monaco-editor 0.57, contrib/toggleTabFocusMode).
 */
export function tabFocusKey(mac = isMac()): string {
  return mac ? 'Ctrl+Shift+M' : 'Ctrl+M';
}

/** Where focus goes for a pane: the chat's composer, or the editor's text area. */
function paneTarget(pane: Pane): HTMLElement | null {
  return pane === 'chat'
    ? document.querySelector<HTMLElement>('textarea[aria-label="Message"]')
    : document.querySelector<HTMLElement>('.editor-host textarea');
}

/**
 * Shows the pane (on narrow screens only one shows at a time) and moves the focus into it.
 * `show` must render synchronously (flushSync) so the target is visible when it is focused.
 */
export function focusPane(pane: Pane, show: (pane: Pane) => void): void {
  show(pane);
  paneTarget(pane)?.focus();
}

/** Alt+Shift+C and Alt+Shift+E anywhere in the room, the editor included. */
export function usePaneShortcuts(goTo: (pane: Pane) => void): void {
  const latest = useRef(goTo);
  useEffect(() => {
    latest.current = goTo;
  });
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
      const pane = (Object.keys(PANE_SHORTCUTS) as Pane[]).find((p) => PANE_SHORTCUTS[p].code === event.code);
      // A modal dialog keeps the focus until it closes.
      if (!pane || document.querySelector('dialog[open]')) return;
      event.preventDefault();
      event.stopPropagation();
      latest.current(pane);
    }
    // Capturing, so that the editor, which handles every key it is given, never sees these.
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);
}

/**
 * "Skip to chat" and "Skip to editor", first in the page and shown once focused. Buttons, not
 * `<a href="#…">` links: the room's URL fragment is its key, and a jump link would replace it.
 */
export function SkipLinks({ goTo }: { goTo: (pane: Pane) => void }) {
  return (
    <nav className="skip-links" aria-label="Skip links">
      <button type="button" className="skip-link" onClick={() => goTo('chat')}>
        Skip to chat
      </button>
      <button type="button" className="skip-link" onClick={() => goTo('code')}>
        Skip to editor
      </button>
    </nav>
  );
}

/** The line under the editor that says how to leave it: in the editor Tab types spaces. */
export function EditorHint({ mac = isMac() }: { mac?: boolean }) {
  return (
    <p className="editor-hint">
      Leave the editor: <kbd>{tabFocusKey(mac)}</kbd>, then <kbd>Tab</kbd> · Go to the chat:{' '}
      <kbd>{PANE_SHORTCUTS.chat.text}</kbd> · Back to the editor: <kbd>{PANE_SHORTCUTS.code.text}</kbd>
    </p>
  );
}
