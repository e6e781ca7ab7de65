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
 * closes it, focus goes back when it closes) and puts the focus on `first`.
 */
export function useModal(dialog: RefObject<HTMLDialogElement | null>, first: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    // Guarded because StrictMode runs effects twice, and showModal() on an open dialog throws.
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
    first.current?.focus();
  }, [dialog, first]);
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
