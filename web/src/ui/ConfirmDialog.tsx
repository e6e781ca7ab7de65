import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { errorText } from '../wire/refusalWords';

export interface ConfirmDialogProps {
  /** The dialog's accessible name, e.g. "Remove Ann?". */
  title: string;
  confirmLabel: string;
  /** What will happen, in words; it becomes the dialog's description. */
  children: ReactNode;
  /** Runs on confirm. The dialog closes once it resolves; a rejection shows the server's message and keeps it open. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/**
 * Opens a native <dialog> as a modal once it mounts (focus trapped, the page behind inert, Escape
 * closes it) and puts the focus on `first`. When it goes, the focus goes back to whatever had it
 * before: the browser does that on close(), but not when the opener is gone by then (Remove
 * password replaces its own button) nor when the dialog is removed without closing.
 */
export function useModal(dialog: RefObject<HTMLDialogElement | null>, first: RefObject<HTMLElement | null>): void {
  const opener = useRef<OpenerPlace | null>(null);
  useEffect(() => {
    // StrictMode runs effects twice: the second run must not take the dialog's own field for the opener.
    if (!opener.current && !dialog.current?.contains(document.activeElement)) opener.current = placeOf(document.activeElement);
    // Guarded because showModal() on an open dialog throws.
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
    first.current?.focus();
    const node = dialog.current;
    return () => {
      // Only focus that is lost: left on the body, or on something no longer in the page.
      const active = document.activeElement;
      if (active && active !== document.body && active.isConnected && !node?.contains(active)) return;
      if (opener.current) returnFocus(opener.current);
    };
  }, [dialog, first]);
}

/** The element that opened a dialog, and its ancestors to fall back on if it is gone when the dialog closes. */
interface OpenerPlace {
  element: HTMLElement | null;
  ancestors: HTMLElement[];
}

function placeOf(active: Element | null): OpenerPlace | null {
  if (!(active instanceof HTMLElement) || active === document.body) return null;
  const ancestors: HTMLElement[] = [];
  for (let at = active.parentElement; at && at !== document.body; at = at.parentElement) ancestors.push(at);
  return { element: active, ancestors };
}

const FOCUSABLE = 'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Back to the opener; if it is gone, to the first thing that can take focus where it was. */
function returnFocus({ element, ancestors }: OpenerPlace): void {
  if (element?.isConnected && !element.closest('[hidden], [inert]')) {
    element.focus();
    if (document.activeElement === element) return;
  }
  const place = ancestors.find((a) => a.isConnected && !a.closest('[hidden], [inert]'));
  const candidates = place ? [...place.querySelectorAll<HTMLElement>(FOCUSABLE)] : [];
  for (const candidate of candidates) {
    if (candidate.closest('dialog, [hidden], [inert]')) continue;
    candidate.focus();
    if (document.activeElement === candidate) return;
  }
}

/**
 * A modal confirmation for actions that cannot be undone. It is a native <dialog> opened with
 * showModal(), which traps focus, makes the page behind it inert, closes on Escape and gives focus
 * back when it closes. Cancel takes the first focus so that a stray Enter destroys nothing.
 */
export function ConfirmDialog({ title, confirmLabel, children, onConfirm, onClose }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useModal(dialog, cancel);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      dialog.current?.close(); // fires 'close', which calls onClose
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialog} className="confirm-dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} onClose={onClose}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`}>{children}</div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" ref={cancel} onClick={() => dialog.current?.close()}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => void confirm()} disabled={busy} aria-busy={busy}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
