import { useId, useState, type KeyboardEvent } from 'react';
import type { RoomSync } from '../sync/roomSync';
import { LobbyButton, ProtectButton, TerminateButton } from './CreatorControls';
import { useValue } from './hooks';
import { HistoryVisibleSetting, LeaveRoomButton, RenameRoomSetting, RenewLink } from './RoomControls';

/**
 * The room's controls behind one button, so the top bar stays one row: "Room settings" for the
 * creator, "Room menu" (with "Leave room") for everyone else. The panel stays open while a dialog
 * opened from it is showing (the dialogs live inside it), and closes with the button or Escape.
 */
export function RoomSettingsMenu({ sync, roomId, onDone }: { sync: RoomSync; roomId: string; onDone: (text: string) => void }) {
  const isCreator = useValue(sync.isCreator);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const label = isCreator ? 'Room settings' : 'Room menu';

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    // A modal dialog handles its own Escape; only close the panel when focus is in the panel itself.
    if (event.key === 'Escape' && !(event.target as HTMLElement).closest('dialog')) setOpen(false);
  }

  return (
    <div className="room-settings" onKeyDown={onKeyDown}>
      <button type="button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
        {label}
      </button>
      <div id={panelId} role="group" aria-label={label} className="room-settings-panel" hidden={!open}>
        {isCreator ? (
          <>
            <RenameRoomSetting sync={sync} onDone={onDone} />
            <ProtectButton sync={sync} onDone={onDone} />
            <LobbyButton sync={sync} onDone={onDone} />
            <HistoryVisibleSetting sync={sync} onDone={onDone} />
            <RenewLink sync={sync} roomId={roomId} onDone={onDone} />
            <TerminateButton sync={sync} />
          </>
        ) : (
          <LeaveRoomButton onLeave={() => sync.access.leave()} />
        )}
      </div>
    </div>
  );
}
