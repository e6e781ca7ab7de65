import { fromBase64Url, LINK_SECRET_BYTES } from '../crypto';

// Room ids are server-made (22 base64url chars today); accept that alphabet, bounded in length.
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const roomPath = (roomId: string) => `/r/${encodeURIComponent(roomId)}`;

/** The invite link. The secret rides in the fragment, which browsers never send to the server. */
export const inviteLink = (origin: string, roomId: string, linkSecret: string) => `${origin}${roomPath(roomId)}#${linkSecret}`;

export type RoomLocation =
  | { kind: 'room'; roomId: string; linkSecret: Uint8Array }
  | { kind: 'incomplete'; roomId: string }
  | { kind: 'not-a-room' };

/** The link secret in an address's fragment (`#{linkSecret}`), or null when there is none or it is damaged. */
export function linkSecretOf(hash: string): Uint8Array | null {
  try {
    const secret = fromBase64Url(hash.replace(/^#/, ''));
    return secret.length === LINK_SECRET_BYTES ? secret : null;
  } catch {
    return null; // a secret that does not decode is as good as none
  }
}

/** Reads `/r/{roomId}` plus `#{linkSecret}`; a missing or damaged secret makes the link incomplete. */
export function parseRoomLocation(pathname: string, hash: string): RoomLocation {
  const match = /^\/r\/([^/]+)\/?$/.exec(pathname);
  if (!match) return { kind: 'not-a-room' };
  const roomId = decodeURIComponent(match[1]);
  if (!ROOM_ID.test(roomId)) return { kind: 'not-a-room' };
  const secret = linkSecretOf(hash);
  return secret ? { kind: 'room', roomId, linkSecret: secret } : { kind: 'incomplete', roomId };
}

/**
 * Turns a pasted invite (full URL, or just `/r/{id}#{secret}`) into the in-app path to open,
 * or null if it is not one of ours. Only the path and fragment are kept, so a pasted link to
 * another host still opens the room here.
 */
export function invitePathFrom(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  let url: URL;
  try {
    url = new URL(trimmed, 'http://paste.invalid/');
  } catch {
    return null;
  }
  const parsed = parseRoomLocation(url.pathname, url.hash);
  return parsed.kind === 'room' ? `${roomPath(parsed.roomId)}${url.hash}` : null;
}
