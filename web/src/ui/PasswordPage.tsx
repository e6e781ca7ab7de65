import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { PasswordPrompt } from '../rooms/roomProtection';

export interface PasswordPageProps {
  prompt: PasswordPrompt;
  /** Tries the password; the outcome comes back as a new prompt, or the room opens. */
  onEnter: (password: string) => void;
}

/**
 * Takes the place of the room while a protected room waits for its password. Nothing of the room
 * shows: this browser is not a member yet. The password stays in this page's state and in
 * RoomSync's memory until the join is admitted; it is never stored.
 */
export function PasswordPage({ prompt, onEnter }: PasswordPageProps) {
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [password, setPassword] = useState('');
  const [empty, setEmpty] = useState(false);
  const error = empty ? 'Type the room password first.' : prompt.error;

  useEffect(() => {
    // Typing the password is the one thing to do here; after a refusal, the next try replaces the last.
    if (prompt.error) field.current?.select();
    else field.current?.focus();
  }, [prompt]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setEmpty(password === '');
    if (password !== '' && !prompt.checking) onEnter(password);
  }

  return (
    <main className="notice">
      <h1>This room is protected</h1>
      <p>Its creator asks new guests for a password as well as the link. Once you are in, this browser is not asked again.</p>
      <form className="join" onSubmit={submit} noValidate>
        <label htmlFor={`${id}-password`}>Room password</label>
        <div className="join-row">
          <input
            id={`${id}-password`}
            ref={field}
            type="password"
            // A password per room under one origin: a password manager would only offer the wrong one.
            autoComplete="off"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          <button type="submit" className="primary" disabled={prompt.checking} aria-busy={prompt.checking}>
            Enter room
          </button>
        </div>
      </form>
      {/* Gone while a try is checked (the prompt's error is cleared), so a repeated refusal is announced again. */}
      {error && (
        <p role="alert" id={`${id}-error`} className="error">
          {error}
        </p>
      )}
    </main>
  );
}

/** The top bar's lock: shown to everyone while new members need the room password. */
export function ProtectionLock({ isProtected }: { isProtected: boolean }) {
  if (!isProtected) return null;
  return (
    <span className="lock" role="img" aria-label="Password protected" title="Password protected">
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm2 6H6V4.5a2 2 0 1 1 4 0V7Z"
        />
      </svg>
    </span>
  );
}
