import { useId, useRef, useState, type FormEvent } from 'react';
import { nameProblem } from '../../files/manager/names';
import { errorText } from '../../wire/refusalWords';
import { useModal } from '../ConfirmDialog';

export interface NameDialogProps {
  /** The dialog's accessible name: "Rename docs/a.txt", "New folder in docs/". */
  title: string;
  label: string;
  initial: string;
  submitLabel: string;
  /** Resolves once done; a rejection shows its message and keeps the dialog open. */
  onSubmit(name: string): Promise<void>;
  onClose(): void;
}

/** A modal that asks for a file or folder name, checked as the protocol requires before it is sent. */
export function NameDialog({ title, label, initial, submitLabel, onSubmit, onClose }: NameDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useModal(dialog, input);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = nameProblem(name.trim());
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      await onSubmit(name.trim());
      dialog.current?.close(); // fires 'close', which calls onClose
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialog} className="confirm-dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id={`${id}-title`}>{title}</h2>
        <label htmlFor={`${id}-name`}>{label}</label>
        <input
          id={`${id}-name`}
          ref={input}
          value={name}
          maxLength={255}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        {error && (
          <p id={`${id}-error`} role="alert" className="error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" disabled={busy} aria-busy={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
