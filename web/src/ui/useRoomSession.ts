import { useEffect, useState } from 'react';
import { ChatSync } from '../chat/chatSync';
import { Presence } from '../chat/presence';
import { deriveRoomSecrets, fromBase64Url, RoomKeyRing } from '../crypto';
import { FileApi, lastCredentials } from '../files/fileApi';
import { FileTransfers } from '../files/fileTransfers';
import { localProfile } from '../rooms/identity';
import { roomDisplayName } from '../rooms/roomName';
import { HubTransport } from '../sync/hubTransport';
import { RoomSync } from '../sync/roomSync';

export interface RoomSession {
  sync: RoomSync;
  chat: ChatSync;
  presence: Presence;
  files: FileTransfers;
  roomName: string;
}

/** Derives the room's keys from the link secret and runs the room's sync, chat and files while the page shows it. */
export function useRoomSession(roomId: string, linkSecret: string): RoomSession | null {
  const [session, setSession] = useState<RoomSession | null>(null);

  useEffect(() => {
    let cancelled = false;
    let running: RoomSession | null = null;
    // A connection per room visit: the protocol has no LeaveRoom, so closing the connection is
    // how the server learns we left (and tells the others).
    let transport: HubTransport | null = null;
    void deriveRoomSecrets(fromBase64Url(linkSecret)).then((secrets) => {
      if (cancelled) return;
      transport = new HubTransport('/hub');
      void transport.start();
      const keys = new RoomKeyRing({ epoch: 0, key: secrets.roomKey });
      const profile = localProfile();
      const sync = new RoomSync({ roomId, joinKey: secrets.joinKey, keys, transport });
      sync.awareness.setLocalStateField('user', profile);
      sync.awareness.setLocalStateField('status', 'online');
      // The chat joins through RoomSync's membership: the hub only serves connections that joined.
      const chat = new ChatSync({ roomId, keys, transport, membership: sync.membership, author: () => profile });
      const files = new FileTransfers(new FileApi({ roomId, credentials: lastCredentials(sync.membership) }));
      sync.start();
      chat.start();
      running = { sync, chat, presence: new Presence(sync, chat), files, roomName: roomDisplayName(secrets.roomNameBytes) };
      setSession(running);
    });
    return () => {
      cancelled = true;
      const [closing, connection] = [running, transport];
      if (closing) {
        closing.chat.destroy();
        closing.presence.destroy();
        closing.files.destroy();
        void closing.sync.destroy().then(() => connection?.stop());
      }
      setSession(null);
    };
  }, [roomId, linkSecret]);

  return session;
}
