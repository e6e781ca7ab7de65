import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { cleanName, MAX_NAME, rememberName } from '../rooms/identity';
import { useValue } from '../state/value';
import { useAccount } from './AccountBar';
import type { RoomSession } from './useRoomSession';

const EMPTY = 'Type the name others in the room should see.';

/**
 * Before a browser's first room: the name people will see. A signed-in person's account name is
 * offered, and whatever they choose is remembered for their next rooms. It is sent only inside
 * encrypted envelopes.
 */
export function ChooseNamePage({ onChosen }: { onChosen: (name: string) => void }) {
  const id = useId();
  const account = useAccount();
  const [draft, setDraft] = useState('');
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Choose your name · Parley';
    input.current?.focus();
  }, []);
  // The account's name arrives after the first render; a draft the person started stays theirs.
  const accountName = account?.userName ?? null;
  useEffect(() => {
    if (accountName && !touched) setDraft(accountName);
  }, [accountName, touched]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const name = cleanName(draft);
    if (!name) {
      setError(EMPTY);
      input.current?.focus();
      return;
    }
    rememberName(name);
    onChosen(name);
  }

  return (
    <main className="notice choose-name">
      <h1>What should people call you?</h1>
      <form onSubmit={submit} noValidate>
        <label htmlFor={`${id}-name`}>Your name</label>
        <input
          id={`${id}-name`}
          ref={input}
          type="text"
          value={draft}
          maxLength={MAX_NAME * 2}
          autoComplete="nickname"
          onChange={(e) => {
            setTouched(true);
            setError(null);
            setDraft(e.target.value);
          }}
          aria-invalid={error !== null}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        />
        <p id={`${id}-hint`} className="hint">
          Everyone in the room sees it next to your messages, your cursor and your files. It is end-to-end encrypted, like
          the code, and this browser remembers it for your next rooms. You can change it from the room menu.
        </p>
        {error && (
          <p id={`${id}-error`} role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          Enter the room
        </button>
      </form>
    </main>
  );
}

/** The room menu's "Your name": shows the name and changes it for this room and the browser's next ones. */
export function YourNameSetting({ session, onDone }: { session: RoomSession; onDone: (text: string) => void }) {
  const id = useId();
  const profile = useValue(session.identity.profile);
  const [draft, setDraft] = useState(profile.name);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setDraft(profile.name), [profile.name]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!session.identity.rename(draft)) {
      setError(EMPTY);
      return;
    }
    setError(null);
    onDone('Name changed');
  }

  return (
    <form className="rename-room your-name" onSubmit={submit} noValidate>
      <label htmlFor={`${id}-name`}>Your name</label>
      <input
        id={`${id}-name`}
        type="text"
        value={draft}
        maxLength={MAX_NAME * 2}
        autoComplete="nickname"
        onChange={(e) => setDraft(e.target.value)}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <button type="submit" disabled={cleanName(draft) === profile.name}>
        Change name
      </button>
      {error && (
        <p id={`${id}-error`} role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

/**
 * Someone who joined earlier holds this browser's name: others see it with a number. Says so, and
 * offers the menu's name field, rather than leaving the person wondering why they are "Ann (2)".
 */
export function NameClashNote({ session }: { session: RoomSession }) {
  const members = useValue(session.presence.members);
  const self = members.find((m) => m.isSelf);
  const [dismissed, setDismissed] = useState<string | null>(null);
  if (!self || self.name === self.chosenName || dismissed === self.name) return null;
  return (
    <p role="status" className="banner name-clash">
      Someone here is already called {self.chosenName}, so others see you as {self.name}. You can choose another name in
      the room menu.
      <button type="button" className="small" onClick={() => setDismissed(self.name)}>
        Dismiss
      </button>
    </p>
  );
}
