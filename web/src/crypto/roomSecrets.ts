import { toBase64Url } from './base64url';
import { ownBytes, utf8 } from './bytes';

export const LINK_SECRET_BYTES = 32;
const SALT = utf8('parley/v1');

export interface RoomSecrets {
  /** AES-256-GCM key of epoch 0; non-extractable so page scripts cannot read it back out. */
  roomKey: CryptoKey;
  /** Proves to the server that we hold the link; sent on JoinRoom. */
  joinKey: Uint8Array<ArrayBuffer>;
  /** base64url(SHA-256(joinKey)): all the server ever stores, so it cannot derive the room key. */
  joinVerifier: string;
  /** Picks the room's display name; never leaves the browser. */
  roomNameBytes: Uint8Array<ArrayBuffer>;
}

export function randomLinkSecret(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(LINK_SECRET_BYTES));
}

/** HKDF-SHA-256 of the link secret, one output per purpose (docs/protocol.md, "Keys"). */
export async function deriveRoomSecrets(linkSecret: Uint8Array): Promise<RoomSecrets> {
  if (linkSecret.length !== LINK_SECRET_BYTES) throw new Error('Link secret must be 32 bytes');
  const ikm = await crypto.subtle.importKey('raw', ownBytes(linkSecret), 'HKDF', false, ['deriveKey', 'deriveBits']);
  const params = (info: string): HkdfParams => ({ name: 'HKDF', hash: 'SHA-256', salt: SALT, info: utf8(info) });
  const bits = async (info: string) => new Uint8Array(await crypto.subtle.deriveBits(params(info), ikm, 256));

  const roomKey = await crypto.subtle.deriveKey(
    params('room-key/epoch/0'),
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const joinKey = await bits('join-key');
  const joinVerifier = toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', joinKey)));
  const roomNameBytes = await bits('room-name');
  return { roomKey, joinKey, joinVerifier, roomNameBytes };
}

/** Imports raw AES-256 key bytes, e.g. a key that a later grant unwraps, or a test vector. */
export function importRoomKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== 32) throw new Error('Room key must be 32 bytes');
  return crypto.subtle.importKey('raw', ownBytes(raw), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}
