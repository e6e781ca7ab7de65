import { useId, useState } from 'react';
import { SIGN_IN_TO_PROTECT_ROOM } from '../accounts/abilities';
import { useValue } from '../state/value';
import type { RoomSync } from '../sync/roomSync';
import { errorText } from '../wire/refusalWords';
import { AccountLink } from './AccountBar';
import { ConfirmDialog } from './ConfirmDialog';
import { RoomPasswordDialog } from './RoomPasswordDialog';

/** The creator's "Terminate session" button and its confirmation; nothing for anyone else. */
export function TerminateButton({ sync }: { sync: RoomSync }) {
  const isCreator = useValue(sync.isCreator);
  const [confirming, setConfirming] = useState(false);
  if (!isCreator) return null;
  return (
    <>
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Terminate session
      </button>
      {confirming && (
        <ConfirmDialog
          title="Terminate this session?"
          confirmLabel="Terminate"
          onConfirm={() => sync.access.terminate()}
          onClose={() => setConfirming(false)}
        >
          <p>
            The code, the chat and all shared files are deleted from the server for everyone, and everyone is
            disconnected. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

/**
 * The creator's "Protect with a password" button and its "Room password" dialog; nothing for anyone
 * else. `onDone` says what changed, since the lock appearing or going is silent.
 */
export function ProtectButton({ sync, onDone }: { sync: RoomSync; onDone: (text: string) => void }) {
  const isCreator = useValue(sync.isCreator);
  const isProtected = useValue(sync.protection.isProtected);
  const abilities = useValue(sync.access.abilities);
  const reasonId = useId();
  const [open, setOpen] = useState(false);
  if (!isCreator) return null;
  // Taking a password off never needs an account, so a protected room keeps the button.
  const allowed = isProtected || abilities?.protectRoom === true;
  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        disabled={!allowed}
        aria-describedby={allowed ? undefined : reasonId}
        onClick={() => setOpen(true)}
      >
        Protect with a password
      </button>
      {!allowed && (
        <p className="setting-reason">
          <AccountLink to="/signin" id={reasonId}>
            {SIGN_IN_TO_PROTECT_ROOM}
          </AccountLink>
        </p>
      )}
      {open && (
        <RoomPasswordDialog
          isProtected={isProtected}
          onSave={async (password) => {
            await sync.protection.set(password);
            onDone(password === null ? 'Password removed' : 'Password set');
          }}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

/**
 * The creator's "Lobby" toggle: while pressed, new guests wait until the creator lets them in.
 * Nothing for anyone else. `onDone` says what changed, or the server's refusal.
 */
export function LobbyButton({ sync, onDone }: { sync: RoomSync; onDone: (text: string) => void }) {
  const isCreator = useValue(sync.isCreator);
  const on = useValue(sync.lobby.isOn);
  const [busy, setBusy] = useState(false);
  if (!isCreator) return null;
  async function toggle() {
    setBusy(true);
    try {
      await sync.lobby.set(!on);
      onDone(on ? 'Lobby off: new guests come straight in' : 'Lobby on: new guests wait for you');
    } catch (error) {
      onDone(errorText(error));
    } finally {
      setBusy(false);
    }
  }
  return <LobbyToggle on={on} busy={busy} onToggle={() => void toggle()} />;
}

export function LobbyToggle({ on, busy, onToggle }: { on: boolean; busy: boolean; onToggle: () => void }) {
  return (
    <button type="button" aria-pressed={on} disabled={busy} onClick={onToggle}>
      Lobby
    </button>
  );
}
