import { useId, useState, type FormEvent } from 'react';
import { inviteLink } from '../rooms/links';
import { ROOM_NAME_MAX, roomNameProblem } from '../rooms/roomEnvelopes';
import { useValue } from '../state/value';
import type { RoomSync } from '../sync/roomSync';
import type { RoomExpiry } from '../wire/protocol';
import { errorText } from '../wire/refusalWords';
import { ConfirmDialog } from './ConfirmDialog';

/** The invite link as it stands now: it follows renewals. */
export const currentInviteLink = (sync: RoomSync, roomId: string) => inviteLink(location.origin, roomId, sync.link.text.get());

/**
 * The creator's "Renew invite link": a key rotation with a new link secret. The old link then
 * admits nobody new; members' copies follow by themselves. `onDone` says where the new link is.
 */
export function RenewLink({ sync, roomId, onDone }: { sync: RoomSync; roomId: string; onDone: (text: string) => void }) {
  async function renew() {
    await sync.roomKeys.rotate(true);
    try {
      await navigator.clipboard.writeText(currentInviteLink(sync, roomId));
      onDone('New invite link copied');
    } catch {
      onDone('New invite link ready: use Copy invite link');
    }
  }
  return <RenewLinkButton onRenew={renew} />;
}

export function RenewLinkButton({ onRenew }: { onRenew: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <button type="button" aria-haspopup="dialog" onClick={() => setConfirming(true)}>
        Renew invite link
      </button>
      {confirming && (
        <ConfirmDialog title="Renew the invite link?" confirmLabel="Renew link" onConfirm={onRenew} onClose={() => setConfirming(false)}>
          <p>
            The current link stops letting anyone new in. Members already in the room keep their place and get the new
            link by themselves; send it to anyone else you still want to invite.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** The creator's "History visible to new members" setting, wired to the room. */
export function HistoryVisibleSetting({ sync, onDone }: { sync: RoomSync; onDone: (text: string) => void }) {
  const visible = useValue(sync.roomKeys.historyVisible);
  const [busy, setBusy] = useState(false);
  async function change(next: boolean) {
    setBusy(true);
    try {
      await sync.roomKeys.setHistoryVisible(next);
      onDone(next ? 'New members will see earlier code and chat' : 'New members will see only what comes after they join');
    } catch (error) {
      onDone(errorText(error));
    } finally {
      setBusy(false);
    }
  }
  return <HistoryCheckbox visible={visible} busy={busy} onChange={(next) => void change(next)} />;
}

export function HistoryCheckbox({ visible, busy, onChange }: { visible: boolean; busy: boolean; onChange: (visible: boolean) => void }) {
  return (
    <label className="setting">
      <input type="checkbox" checked={visible} disabled={busy} onChange={(e) => onChange(e.target.checked)} />
      History visible to new members
    </label>
  );
}

/** "Expires after 30 days without activity: around <date>", for the creator; nothing when the server does not say. */
export function ExpiryNote({ sync }: { sync: RoomSync }) {
  const expiry = useValue(sync.access.expiry);
  return expiry ? <p className="setting-note">{expiryText(expiry)}</p> : null;
}

export function expiryText({ idleExpiryMs, lastActiveAt }: RoomExpiry, locale?: string): string {
  const at = new Date(lastActiveAt + idleExpiryMs).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return `Expires after ${durationText(idleExpiryMs)} without activity: around ${at}`;
}

function durationText(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  const [size, name] = units.find(([size]) => ms >= size && ms % size === 0) ?? units.find(([size]) => ms >= size) ?? [1000, 'second'];
  const n = Math.round(ms / size);
  return `${n} ${name}${n === 1 ? '' : 's'}`;
}

/** The creator's rename form, wired to the room. */
export function RenameRoomSetting({ sync, onDone }: { sync: RoomSync; onDone: (text: string) => void }) {
  const abilities = useValue(sync.access.abilities);
  const name = useValue(sync.roomKeys.roomName);
  return (
    <RenameRoomForm
      key={name ?? ''} // a name set elsewhere (another tab) replaces the draft
      name={name ?? ''}
      canName={abilities?.nameRoom === true}
      onSave={async (next) => {
        await sync.roomKeys.setRoomName(next);
        onDone('Room renamed');
      }}
    />
  );
}

export interface RenameRoomFormProps {
  /** The custom name now, "" for none. */
  name: string;
  /** The account may name rooms; without it the form shows why not and stays disabled. */
  canName: boolean;
  onSave: (name: string) => Promise<void>;
}

export function RenameRoomForm({ name, canName, onSave }: RenameRoomFormProps) {
  const id = useId();
  const [draft, setDraft] = useState(name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = roomNameProblem(draft);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      await onSave(draft);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="rename-room" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor={`${id}-name`}>Room name</label>
      <input
        id={`${id}-name`}
        type="text"
        value={draft}
        maxLength={ROOM_NAME_MAX}
        disabled={!canName || busy}
        onChange={(e) => setDraft(e.target.value)}
        aria-invalid={error !== null}
        aria-describedby={canName ? undefined : `${id}-hint`}
      />
      <button type="submit" disabled={!canName || busy} aria-busy={busy} aria-describedby={canName ? undefined : `${id}-hint`}>
        Save name
      </button>
      {!canName && (
        <span id={`${id}-hint`} className="hint">
          Sign in to name this room
        </span>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

/** A member's "Leave room" (the creator ends the session instead): for good, after a confirmation. */
export function LeaveRoomButton({ onLeave }: { onLeave: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <button type="button" className="danger" aria-haspopup="dialog" onClick={() => setConfirming(true)}>
        Leave room
      </button>
      {confirming && (
        <ConfirmDialog title="Leave this room?" confirmLabel="Leave" onConfirm={onLeave} onClose={() => setConfirming(false)}>
          <p>
            You stop seeing its code, chat and files, and this browser forgets your membership. To come back you need a
            current invite link.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
