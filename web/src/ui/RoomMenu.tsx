import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { MemberPresence } from '../chat/presence';
import { useValue } from '../state/value';
import type { RoomSync } from '../sync/roomSync';
import { AccountBar } from './AccountBar';
import { LobbyButton, ProtectButton, TerminateButton } from './CreatorControls';
import { MembersSection } from './MembersPanel';
import { ExpiryNote, HistoryVisibleSetting, LeaveRoomButton, RenameRoomSetting, RenewLink } from './RoomControls';
import { filesPath } from './files/filesRoute';
import { KeyChangedNote } from './KeyChangedNote';
import { followInApp } from './navigation';
import type { RoomSession } from './useRoomSession';
import { ThemeSetting } from './ThemeSetting';
import { YourNameSetting } from './YourName';

/** The room's hamburger menu, wired to the session: who is here, the files, and the creator's settings or "Leave room". */
export function RoomMenu({ session, onDone, tools }: { session: RoomSession; onDone: (text: string) => void; tools?: ReactNode }) {
  const { sync, roomId } = session;
  const isCreator = useValue(sync.isCreator);
  const members = useValue(session.presence.members);
  const fingerprints = useValue(sync.roomKeys.fingerprints);
  const own = useValue(sync.roomKeys.ownFingerprint);
  return (
    <RoomMenuView
      roomId={roomId}
      members={members}
      isCreator={isCreator}
      fingerprintOf={(m) => (m.isSelf ? own : fingerprints.get(m.memberId)) ?? null}
      kick={(m) => sync.access.kick(m.memberId)}
      leave={() => sync.access.leave()}
      tools={tools}
      yourName={<YourNameSetting session={session} onDone={onDone} />}
      account={<AccountBar />}
      keyChanged={<KeyChangedNote sync={sync} />}
      settings={<CreatorSettings sync={sync} roomId={roomId} onDone={onDone} />}
    />
  );
}

function CreatorSettings({ sync, roomId, onDone }: { sync: RoomSync; roomId: string; onDone: (text: string) => void }) {
  return (
    <>
      <RenameRoomSetting sync={sync} onDone={onDone} />
      <ProtectButton sync={sync} onDone={onDone} />
      <LobbyButton sync={sync} onDone={onDone} />
      <HistoryVisibleSetting sync={sync} onDone={onDone} />
      <RenewLink sync={sync} roomId={roomId} onDone={onDone} />
      <TerminateButton sync={sync} />
      <ExpiryNote sync={sync} />
    </>
  );
}

export interface RoomMenuViewProps {
  roomId: string;
  members: readonly MemberPresence[];
  isCreator: boolean;
  fingerprintOf: (member: MemberPresence) => string | null;
  kick: (member: MemberPresence) => Promise<void>;
  leave: () => Promise<void>;
  /** The top bar's controls that a narrow screen has no room for. */
  tools?: ReactNode;
  /** Everyone's own name, changeable. */
  yourName?: ReactNode;
  /** Who is signed in (and "Sign out"), or "Sign in". */
  account?: ReactNode;
  /** When the room's key last changed. */
  keyChanged?: ReactNode;
  /** The creator's settings; shown to the creator alone. */
  settings: ReactNode;
}

/** One menu for everyone: the member count and list, the files, then the creator's settings or, for others, "Leave room". */
export function RoomMenuView({ roomId, members, isCreator, fingerprintOf, kick, leave, tools, yourName, account, keyChanged, settings }: RoomMenuViewProps) {
  const settingsId = useId();
  return (
    <MenuDisclosure label="Room menu">
      {tools}
      <MembersSection members={members} canKick={isCreator} kick={kick} fingerprintOf={fingerprintOf} />
      {yourName}
      {account}
      <ThemeSetting />
      <FilesLink roomId={roomId} />
      {keyChanged}
      {isCreator ? (
        <div role="group" aria-labelledby={settingsId} className="room-settings">
          <h2 id={settingsId}>Room settings</h2>
          {settings}
        </div>
      ) : (
        <LeaveRoomButton onLeave={leave} />
      )}
    </MenuDisclosure>
  );
}

function FilesLink({ roomId }: { roomId: string }) {
  const path = filesPath(roomId);
  return (
    <a className="menu-link" href={path} onClick={followInApp(path)}>
      Files
    </a>
  );
}

/**
 * A ☰ button that shows and hides a panel below it. Escape or a click elsewhere closes it, and
 * Escape gives the focus back to the button. The panel stays open while a dialog opened from it is
 * showing: the dialogs live inside it, and their Escape is their own.
 */
function MenuDisclosure({ label, children }: { label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    function onPointerDown(event: PointerEvent) {
      const menu = root.current;
      if (!menu || menu.contains(event.target as Node) || menu.querySelector('dialog[open]')) return;
      setOpen(false);
    }
    // Capturing, so that a widget that stops the event (the editor) still closes the menu.
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => document.removeEventListener('pointerdown', onPointerDown, true);
  }, [open]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== 'Escape' || !open || (event.target as HTMLElement).closest('dialog')) return;
    setOpen(false);
    button.current?.focus();
  }

  return (
    <div className="room-menu" ref={root} onKeyDown={onKeyDown}>
      <button ref={button} type="button" className="menu-button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
        <span aria-hidden="true">☰</span>
        <span className="visually-hidden">{label}</span>
      </button>
      <div id={panelId} role="group" aria-label={label} className="room-menu-panel" hidden={!open}>
        {children}
      </div>
    </div>
  );
}
