import { useId, useState, type KeyboardEvent } from 'react';
import type { RoomSync } from '../sync/roomSync';
import { LobbyButton, ProtectButton, TerminateButton } from './CreatorControls';
import { useValue } from './hooks';

/**
 * The creator's controls behind one "Room settings" button, so the top bar stays one row. The
 * panel stays open while a dialog opened from it is showing (the dialogs live inside it), and
 * closes with the button or Escape.
 */
export function RoomSettingsMenu({ sync, onDone }: { sync: RoomSync; onDone: (text: string) => void }) {
  const isCreator = useValue(sync.isCreator);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  if (!isCreator) return null;

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    // A modal dialog handles its own Escape; only close the panel when focus is in the panel itself.
    if (event.key === 'Escape' && !(event.target as HTMLElement).closest('dialog')) setOpen(false);
  }

  return (
    <div className="room-settings" onKeyDown={onKeyDown}>
      <button type="button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
        Room settings
      </button>
      <div id={panelId} role="group" aria-label="Room settings" className="room-settings-panel" hidden={!open}>
        <ProtectButton sync={sync} onDone={onDone} />
        <LobbyButton sync={sync} onDone={onDone} />
        <TerminateButton sync={sync} />
      </div>
    </div>
  );
}
