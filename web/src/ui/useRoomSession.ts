import { useEffect, useRef, useState } from 'react';
import { ChatSync } from '../chat/chatSync';
import { Presence } from '../chat/presence';
import { SystemLines } from '../chat/systemLines';
import { loadDeviceIdentity, openLocalVault, RoomKeyRing } from '../crypto';
import { FileApi, lastCredentials } from '../files/fileApi';
import { FileTransfers } from '../files/fileTransfers';
import { FileManager } from '../files/manager/fileManager';
import { LocalIdentity } from '../rooms/identity';
import { defaultMemberStore } from '../rooms/memberStore';
import { defaultRoomName } from '../rooms/roomName';
import { RoomSync } from '../sync/roomSync';
import { HubTransport } from '../wire/hubTransport';
import { guardUnsentWork } from './leaveGuard';

export interface RoomSession {
  roomId: string;
  sync: RoomSync;
  chat: ChatSync;
  presence: Presence;
  /** "Ann joined" and the like, while this page is in the room. */
  systemLines: SystemLines;
  files: FileTransfers;
  /** The room's file manager (the Files page); runs with the session, so uploads go on in the editor. */
  fileManager: FileManager;
  /** The name the room shows until its creator names it (picked from the room id). */
  defaultName: string;
  /** This browser's name and colour here; the room menu renames it. */
  identity: LocalIdentity;
}

/** Stops everything of a session; safe to call twice (the room closing, then the page leaving). */
function stopper(session: RoomSession, transport: HubTransport): () => void {
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    session.chat.destroy();
    session.presence.destroy();
    session.systemLines.destroy();
    session.files.destroy();
    session.fileManager.destroy();
    void session.sync.destroy().then(() => transport.stop());
  };
}

/**
 * The invite link follows renewals: the address bar shows the current one (a reload then still
 * opens the room), and this browser keeps it for the room once it got in, so the Files page
 * (whose address has no link) opens after a reload too.
 */
function followLink(sync: RoomSync, roomId: string): () => void {
  const members = defaultMemberStore();
  const keep = () => sync.membership.get() && members.saveLinkSecret(roomId, sync.link.secret);
  const offLink = sync.link.text.subscribe((text) => {
    keep();
    if (location.pathname.startsWith('/r/')) history.replaceState(history.state, '', `${location.pathname}${location.search}#${text}`);
  });
  const offJoin = sync.membership.subscribe(keep);
  return () => {
    offLink();
    offJoin();
  };
}

/**
 * Runs the room's sync, chat and files while the page shows it. The room's keys come only from
 * grants to this browser's device; the link secret admits it and proves to the members that it
 * holds the link. Keyed by room id alone: the fragment changes under it when the link is renewed.
 */
export function useRoomSession(roomId: string, linkSecret: Uint8Array, name: string): { session: RoomSession | null; failure: string | null } {
  const [session, setSession] = useState<RoomSession | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const initialSecret = useRef(linkSecret);
  const initialName = useRef(name);

  useEffect(() => {
    let cancelled = false;
    let stop: (() => void) | null = null;
    const started = Promise.all([loadDeviceIdentity(), defaultRoomName(roomId)]).then(([device, defaultName]) => {
      if (cancelled) return;
      // A connection per room visit: closing it is how the server learns this browser went away.
      const transport = new HubTransport('/hub');
      void transport.start();
      const keys = new RoomKeyRing();
      // Unacknowledged edits and unsent messages are kept here, encrypted, until the server has them.
      const vault = openLocalVault();
      const identity = new LocalIdentity(initialName.current);
      const { profile } = identity;
      const sync = new RoomSync({ roomId, linkSecret: initialSecret.current, device, keys, transport, profile, vault });
      sync.awareness.setLocalStateField('user', profile.get());
      const offProfile = profile.subscribe((p) => sync.awareness.setLocalStateField('user', p));
      sync.awareness.setLocalStateField('status', 'online');
      // The chat joins through RoomSync's membership: the hub only serves connections that joined.
      const chat = new ChatSync({ roomId, keys, transport, membership: sync.membership, author: profile.get, vault });
      const mayShare = () => sync.access.abilities.get()?.shareFiles === true;
      const apiOptions = { roomId, credentials: lastCredentials(sync.membership) };
      const api = new FileApi(apiOptions);
      const files = new FileTransfers(api, mayShare);
      const { membership, access } = sync;
      const fileManager = new FileManager({ roomId, transport, keys, membership, abilities: access.abilities, api, apiOptions });
      const unfollow = followLink(sync, roomId);
      const unguard = guardUnsentWork(() => sync.pendingCount > 0 || chat.unsentCount > 0);
      sync.start();
      chat.start();
      fileManager.start();
      const presence = new Presence(sync, chat, identity);
      const systemLines = new SystemLines(sync, presence.members, chat.messages);
      const running = { roomId, sync, chat, presence, systemLines, files, fileManager, defaultName, identity };
      const stopAll = stopper(running, transport);
      stop = () => {
        unguard();
        offProfile();
        unfollow();
        stopAll();
      };
      // Kicked, ended, refused or left, or a link that never got in: the page keeps the session
      // only to say so; the connection would just keep knocking on a door that stays shut.
      sync.closed.subscribe((closed) => {
        if (!closed) return;
        chat.dropUnsent(); // RoomSync drops its edits itself
        stop?.();
      });
      sync.joinRefusal.subscribe((code) => code && !sync.membership.get() && stop?.());
      setSession(running);
    });
    // Without WebCrypto (a page served over plain http, an old browser) there are no device keys to make.
    started.catch((error: unknown) => !cancelled && setFailure(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
      stop?.();
      setSession(null);
    };
  }, [roomId]);

  return { session, failure };
}
