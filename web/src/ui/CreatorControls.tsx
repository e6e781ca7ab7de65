import { useState } from 'react';
import type { RoomSync } from '../sync/roomSync';
import { ConfirmDialog } from './ConfirmDialog';
import { useValue } from './hooks';
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
  const [open, setOpen] = useState(false);
  if (!isCreator) return null;
  return (
    <>
      <button type="button" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Protect with a password
      </button>
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
