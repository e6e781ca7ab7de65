import { useEffect, useState } from 'react';
import { deriveRoomSecrets, fromBase64Url, RoomKeyRing } from '../crypto';
import { localProfile } from '../rooms/identity';
import { roomDisplayName } from '../rooms/roomName';
import { HubTransport } from '../sync/hubTransport';
import { RoomSync } from '../sync/roomSync';

export interface RoomSession {
  sync: RoomSync;
  roomName: string;
}

/** Derives the room's keys from the link secret and runs a RoomSync while the page shows it. */
export function useRoomSession(roomId: string, linkSecret: string): RoomSession | null {
  const [session, setSession] = useState<RoomSession | null>(null);

  useEffect(() => {
    let cancelled = false;
    let sync: RoomSync | null = null;
    // A connection per room visit: the protocol has no LeaveRoom, so closing the connection is
    // how the server learns we left (and tells the others).
    let transport: HubTransport | null = null;
    void deriveRoomSecrets(fromBase64Url(linkSecret)).then((secrets) => {
      if (cancelled) return;
      transport = new HubTransport('/hub');
      void transport.start();
      sync = new RoomSync({
        roomId,
        joinKey: secrets.joinKey,
        keys: new RoomKeyRing({ epoch: 0, key: secrets.roomKey }),
        transport,
      });
      sync.awareness.setLocalStateField('user', localProfile());
      sync.start();
      setSession({ sync, roomName: roomDisplayName(secrets.roomNameBytes) });
    });
    return () => {
      cancelled = true;
      const [closing, connection] = [sync, transport];
      void closing?.destroy().then(() => connection?.stop());
      setSession(null);
    };
  }, [roomId, linkSecret]);

  return session;
}
