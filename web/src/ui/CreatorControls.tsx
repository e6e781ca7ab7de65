import { useState } from 'react';
import type { RoomSync } from '../sync/roomSync';
import { ConfirmDialog } from './ConfirmDialog';
import { useValue } from './hooks';

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
