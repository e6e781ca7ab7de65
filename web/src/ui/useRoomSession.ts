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

/** Stops everything of a session; safe to call twice (the room closing, then the page leaving). */
function stopper(session: Omit<RoomSession, 'roomName'>, transport: HubTransport): () => void {
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    session.chat.destroy();
    session.presence.destroy();
    session.files.destroy();
    void session.sync.destroy().then(() => transport.stop());
  };
}

/** Derives the room's keys from the link secret and runs the room's sync, chat and files while the page shows it. */
export function useRoomSession(roomId: string, linkSecret: string): RoomSession | null {
  const [session, setSession] = useState<RoomSession | null>(null);

  useEffect(() => {
    let cancelled = false;
    let stop: (() => void) | null = null;
    void deriveRoomSecrets(fromBase64Url(linkSecret)).then((secrets) => {
      if (cancelled) return;
      // A connection per room visit: the protocol has no LeaveRoom, so closing the connection is
      // how the server learns we left (and tells the others).
      const transport = new HubTransport('/hub');
      void transport.start();
      const keys = new RoomKeyRing({ epoch: 0, key: secrets.roomKey });
      const profile = localProfile();
      const sync = new RoomSync({ roomId, joinKey: secrets.joinKey, keys, transport, profile });
      sync.awareness.setLocalStateField('user', profile);
      sync.awareness.setLocalStateField('status', 'online');
      // The chat joins through RoomSync's membership: the hub only serves connections that joined.
      const chat = new ChatSync({ roomId, keys, transport, membership: sync.membership, author: () => profile });
      const mayShare = () => sync.abilities.get()?.shareFiles === true;
      const files = new FileTransfers(new FileApi({ roomId, credentials: lastCredentials(sync.membership) }), mayShare);
      sync.start();
      chat.start();
      const running = { sync, chat, presence: new Presence(sync, chat), files, roomName: roomDisplayName(secrets.roomNameBytes) };
      stop = stopper(running, transport);
      // Kicked or ended: the page keeps the session only to say so; the connection would just
      // keep knocking on a door that stays shut.
      sync.closed.subscribe((closed) => closed && stop?.());
      setSession(running);
    });
    return () => {
      cancelled = true;
      stop?.();
      setSession(null);
    };
  }, [roomId, linkSecret]);

  return session;
}
