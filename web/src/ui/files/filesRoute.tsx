import { useEffect, useRef } from 'react';
import { linkSecretOf, parseRoomLocation } from '../../rooms/links';
import { defaultMemberStore } from '../../rooms/memberStore';

// `/rooms/{roomId}/files`: the room's Files page, in the same app and the same room session as the
// editor. Its address usually has no link secret: the room page's one is used (kept in memory while
// the session runs, and in localStorage next to the member credentials once this browser got in).
// A Files address shared with the invite fragment (`/rooms/{id}/files#{secret}`) lets a newcomer in.

const FILES_PATH = /^\/rooms\/([A-Za-z0-9_-]{1,64})\/files\/?$/;

export const filesPath = (roomId: string) => `/rooms/${encodeURIComponent(roomId)}/files`;

/** The room id of a Files page address, or null. */
export function filesRoomOf(pathname: string): string | null {
  return FILES_PATH.exec(pathname)?.[1] ?? null;
}

export type RoomRoute =
  | { kind: 'room'; roomId: string; linkSecret: Uint8Array; view: 'room' | 'files' }
  | { kind: 'incomplete' }
  | { kind: 'no-link'; roomId: string };

/**
 * Which room and view an address opens. The Files page takes the link secret of the room this
 * page already shows (the session stays the same), else the one this browser kept for the room.
 */
export function useRoomRoute(pathname: string, hash: string): RoomRoute {
  const last = useRef<{ roomId: string; linkSecret: Uint8Array } | null>(null);
  const filesRoom = filesRoomOf(pathname);
  let route: RoomRoute;
  if (filesRoom) {
    const kept =
      linkSecretOf(hash) ?? (last.current?.roomId === filesRoom ? last.current.linkSecret : defaultMemberStore().loadLinkSecret(filesRoom));
    route = kept ? { kind: 'room', roomId: filesRoom, linkSecret: kept, view: 'files' } : { kind: 'no-link', roomId: filesRoom };
  } else {
    const place = parseRoomLocation(pathname, hash);
    route = place.kind === 'room' ? { kind: 'room', roomId: place.roomId, linkSecret: place.linkSecret, view: 'room' } : { kind: 'incomplete' };
  }
  useEffect(() => {
    if (route.kind === 'room') last.current = { roomId: route.roomId, linkSecret: route.linkSecret };
  });
  return route;
}

/** A Files page opened in a browser that never had the room's invite link (or forgot it). */
export function NoLinkSecretPage() {
  useEffect(() => {
    document.title = 'Files · Parley';
  }, []);
  return (
    <main className="notice">
      <h1>Open the room&apos;s invite link first</h1>
      <p>
        This browser does not have this room&apos;s invite link, and the files are encrypted with keys that only come with it.
        Open the invite link once (ask whoever invited you), then the Files page opens from the room&apos;s menu.
      </p>
      <p>
        <a href="/">Start a new session instead</a>
      </p>
    </main>
  );
}
