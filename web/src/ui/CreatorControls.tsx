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
 * The creator's password setting, with its state in words: "Password: off" and "Protect with a
 * password", or "Password: on" with "Change password" and "Remove password". Nothing for anyone
 * else. `onDone` says what changed, since the lock appearing or going is silent.
 */
export function ProtectButton({ sync, onDone }: { sync: RoomSync; onDone: (text: string) => void }) {
  const isCreator = useValue(sync.isCreator);
  const isProtected = useValue(sync.protection.isProtected);
  const abilities = useValue(sync.access.abilities);
  const [open, setOpen] = useState(false);
  const [removing, setRemoving] = useState(false);
  if (!isCreator) return null;
  async function save(password: string | null) {
    await sync.protection.set(password);
    onDone(password === null ? 'Password removed' : 'Password set');
  }
  return (
    <>
      <PasswordSetting
        isProtected={isProtected}
        canProtect={abilities?.protectRoom === true}
        onEdit={() => setOpen(true)}
        onRemove={() => setRemoving(true)}
      />
      {open && <RoomPasswordDialog isProtected={isProtected} onSave={save} onClose={() => setOpen(false)} />}
      {removing && (
        <ConfirmDialog title="Remove the password?" confirmLabel="Remove password" onConfirm={() => save(null)} onClose={() => setRemoving(false)}>
          <p>Anyone with the invite link can then come in without it (or wait in the lobby, if it is on).</p>
        </ConfirmDialog>
      )}
    </>
  );
}

export interface PasswordSettingProps {
  isProtected: boolean;
  /** The account may set passwords; taking one off never needs an account. */
  canProtect: boolean;
  onEdit: () => void;
  onRemove: () => void;
}

export function PasswordSetting({ isProtected, canProtect, onEdit, onRemove }: PasswordSettingProps) {
  const reasonId = useId();
  const stateId = useId();
  return (
    <div className="setting-row">
      <span id={stateId} className="setting-state">
        Password: <strong>{isProtected ? 'on' : 'off'}</strong>
      </span>
      {isProtected ? (
        <>
          <button type="button" aria-haspopup="dialog" onClick={onEdit} disabled={!canProtect} aria-describedby={canProtect ? stateId : reasonId}>
            Change password
          </button>
          <button type="button" aria-haspopup="dialog" className="danger" onClick={onRemove} aria-describedby={stateId}>
            Remove password
          </button>
        </>
      ) : (
        <button type="button" aria-haspopup="dialog" disabled={!canProtect} aria-describedby={canProtect ? stateId : reasonId} onClick={onEdit}>
          Protect with a password
        </button>
      )}
      {!canProtect && (
        <p className="setting-reason">
          <AccountLink to="/signin" id={reasonId}>
            {SIGN_IN_TO_PROTECT_ROOM}
          </AccountLink>
        </p>
      )}
    </div>
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

/** A switch named "Lobby" whose checked state is the lobby's; it also says "on" or "off" in words. */
export function LobbyToggle({ on, busy, onToggle }: { on: boolean; busy: boolean; onToggle: () => void }) {
  const labelId = useId();
  return (
    <button type="button" role="switch" className="switch" aria-checked={on} aria-labelledby={labelId} disabled={busy} onClick={onToggle}>
      <span className="switch-track" aria-hidden="true" />
      <span id={labelId}>Lobby</span>
      <span aria-hidden="true">: {on ? 'on' : 'off'}</span>
    </button>
  );
}
