import { useId, useRef, useState, type FormEvent } from 'react';
import { newPasswordProblem, PASSWORD_MIN_LENGTH } from '../rooms/roomProtection';
import { errorText } from '../wire/refusalWords';
import { useModal } from './ConfirmDialog';

export interface RoomPasswordDialogProps {
  isProtected: boolean;
  /** Sets the password, or removes it (null). The dialog closes once it resolves; a rejection shows the words for its refusal code. */
  onSave: (password: string | null) => Promise<void>;
  onClose: () => void;
}

/**
 * The creator's "Room password" dialog: set a new password, or remove the one there is. Members
 * already in are never asked, so the text says who it keeps out: new guests who have only the link.
 */
export function RoomPasswordDialog({ isProtected, onSave, onClose }: RoomPasswordDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const id = useId();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useModal(dialog, field);

  async function save(next: string | null) {
    // Checked here too so a short password is named at once, in plain words, before any round trip.
    const problem = next === null ? null : newPasswordProblem(next);
    setError(problem);
    if (problem) return field.current?.focus();
    setBusy(true);
    try {
      await onSave(next);
      dialog.current?.close(); // fires 'close', which calls onClose
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void save(password);
  }

  return (
    <dialog ref={dialog} className="confirm-dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} onClose={onClose}>
      <h2 id={`${id}-title`}>Room password</h2>
      <p id={`${id}-body`}>
        {isProtected
          ? 'This room has a password: new guests need it as well as the link. A new one replaces it.'
          : 'New guests will need this password as well as the invite link. Send it to them some other way than the link.'}{' '}
        Members already in the room are not asked.
      </p>
      {/* noValidate: the browser's own bubble would come before, and instead of, the message below. */}
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-new`}>New room password</label>
          <input
            id={`${id}-new`}
            ref={field}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={`${id}-hint`}
          />
          <span id={`${id}-hint`} className="hint">
            At least {PASSWORD_MIN_LENGTH} characters.
          </span>
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          {isProtected && (
            <button type="button" className="danger push-left" onClick={() => void save(null)} disabled={busy}>
              Remove password
            </button>
          )}
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
            Set password
          </button>
        </div>
      </form>
    </dialog>
  );
}
