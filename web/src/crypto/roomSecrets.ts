import { toBase64Url } from './base64url';
import { ownBytes, utf8 } from './bytes';

export const LINK_SECRET_BYTES = 32;
const SALT = utf8('parley/v1');

/**
 * What a holder of the invite link derives from its secret (docs/protocol.md, "Keys"). Room keys
 * are not among them: those come only from grants, so a renewed link changes none of them.
 */
export interface RoomSecrets {
  /** Proves to the server that we hold the link; sent on JoinRoom. */
  joinKey: Uint8Array<ArrayBuffer>;
  /** SHA-256(joinKey): all the server ever stores, so it can check a join key but not make one. */
  joinVerifier: Uint8Array<ArrayBuffer>;
  /** HMAC key of the link proof, which shows the *members* that a joiner holds the link. */
  linkProofKey: CryptoKey;
  /** AES-256-GCM key of `member-profile` envelopes: a lobby joiner has no room key yet. */
  lobbyKey: CryptoKey;
}

export function randomLinkSecret(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(LINK_SECRET_BYTES));
}

/** HKDF-SHA-256 of the link secret, one output per purpose. */
export async function deriveRoomSecrets(linkSecret: Uint8Array): Promise<RoomSecrets> {
  if (linkSecret.length !== LINK_SECRET_BYTES) throw new Error('Link secret must be 32 bytes');
  const ikm = await crypto.subtle.importKey('raw', ownBytes(linkSecret), 'HKDF', false, ['deriveKey', 'deriveBits']);
  const params = (info: string): HkdfParams => ({ name: 'HKDF', hash: 'SHA-256', salt: SALT, info: utf8(info) });

  const joinKey = new Uint8Array(await crypto.subtle.deriveBits(params('join-key'), ikm, 256));
  const joinVerifier = new Uint8Array(await crypto.subtle.digest('SHA-256', joinKey));
  const linkProofKey = await crypto.subtle.deriveKey(params('link-proof'), ikm, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
    'sign',
    'verify',
  ]);
  const lobbyKey = await crypto.subtle.deriveKey(params('lobby-key'), ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  return { joinKey, joinVerifier, linkProofKey, lobbyKey };
}

/** The join verifier as `POST /api/rooms` takes it: base64url of the 32 bytes. */
export const joinVerifierText = (secrets: RoomSecrets) => toBase64Url(secrets.joinVerifier);

/** Imports raw AES-256 key bytes (a test vector, for instance) as a key that only encrypts and decrypts. */
export function importRoomKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== 32) throw new Error('Room key must be 32 bytes');
  return crypto.subtle.importKey('raw', ownBytes(raw), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/**
 * A fresh epoch key. Extractable on purpose: every member who holds it must be able to wrap it for
 * members who join later (and rotation hands it to every member), so it cannot be locked in.
 */
export function newRoomKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
}
