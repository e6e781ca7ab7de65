import { useEffect, useRef, useState } from 'react';
import { takeSetup } from '../rooms/roomSetup';
import { useValue } from '../state/value';
import { errorText } from '../wire/refusalWords';
import type { RoomSession } from './useRoomSession';

/**
 * Applies the name and password chosen with "Start a session" once the creator's browser is in
 * the room with its key. Returns what failed, in words, for a banner; null when all went well.
 */
export function useRoomSetup({ sync, roomId }: RoomSession): string | null {
  const isCreator = useValue(sync.isCreator);
  const status = useValue(sync.status);
  const keyless = useValue(sync.roomKeys.waiting);
  const started = useRef(false);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    if (started.current || !isCreator || status !== 'connected' || keyless) return;
    started.current = true;
    const setup = takeSetup(roomId);
    if (!setup) return;
    void (async () => {
      const failed: string[] = [];
      if (setup.name) await sync.roomKeys.setRoomName(setup.name).catch((e: unknown) => failed.push(`The room name was not set: ${errorText(e)}`));
      if (setup.password) await sync.protection.set(setup.password).catch((e: unknown) => failed.push(`The password was not set: ${errorText(e)}`));
      if (failed.length > 0) setFailure(`${failed.join(' ')} Set it from the room menu.`);
    })();
  }, [isCreator, status, keyless, roomId, sync]);
  return failure;
}
