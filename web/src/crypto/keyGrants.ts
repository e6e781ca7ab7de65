// Fingerprints, link proofs and grants (docs/protocol.md, "Keys"), byte-compatible with the .NET
// client: tests/vectors/keys.json checks both against a third implementation.
import { ownBytes, utf8 } from './bytes';
import type { DeviceIdentity } from './deviceIdentity';

/** A device's public keys as the wire carries them (SPKI DER). */
export interface DeviceKeys {
  wrapKey: Uint8Array;
  signKey: Uint8Array;
}

/** One room key wrapped for one member's device, signed by the member who granted it. */
export interface Grant {
  epoch: number;
  /** The grantee. */
  memberId: string;
  granterId: string;
  /** RSA-OAEP-SHA-256 of the 32-byte room key: 384 bytes. */
  wrappedKey: Uint8Array;
  /** ECDSA P-256 SHA-256, IEEE P1363 (r || s): 64 bytes. */
  signature: Uint8Array;
}

export const WRAPPED_KEY_BYTES = 384;
export const SIGNATURE_BYTES = 64;
export const LINK_PROOF_BYTES = 32;

const RSA_OAEP = { name: 'RSA-OAEP', hash: 'SHA-256' } as const;
const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const;
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** SHA-256 over both public keys, its first 30 bytes as six groups of five digits: "04213 99120 …". */
export async function fingerprint(device: DeviceKeys): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', concat(device.wrapKey, device.signKey)));
  const groups: string[] = [];
  for (let i = 0; i < 30; i += 5) {
    let value = 0;
    // Five bytes reach 2^40, still exact in a double.
    for (const byte of digest.subarray(i, i + 5)) value = value * 256 + byte;
    groups.push(String(value % 100_000).padStart(5, '0'));
  }
  return groups.join(' ');
}

/** DER is self-delimiting, so the two keys after the prefix cannot be cut differently. */
const proofData = (roomId: string, device: DeviceKeys) => concat(utf8(`parley/v1|link-proof|${roomId}|`), device.wrapKey, device.signKey);

/** Proves to the members that whoever holds these device keys holds the invite link. */
export async function linkProof(linkProofKey: CryptoKey, roomId: string, device: DeviceKeys): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', linkProofKey, proofData(roomId, device)));
}

/** Whether `proof` was made with this link for these device keys (compared in constant time by WebCrypto). */
export async function linkProofHolds(linkProofKey: CryptoKey, roomId: string, device: DeviceKeys, proof: Uint8Array): Promise<boolean> {
  if (proof.length !== LINK_PROOF_BYTES) return false;
  return crypto.subtle.verify('HMAC', linkProofKey, ownBytes(proof), proofData(roomId, device));
}

/** What the granter signs: the grant's every field, so a grant cannot be moved to another room, epoch or member. */
export function grantSignedData(roomId: string, grant: Pick<Grant, 'epoch' | 'memberId' | 'granterId' | 'wrappedKey'>): Uint8Array<ArrayBuffer> {
  return concat(utf8(`parley/v1|grant|${roomId}|${grant.epoch}|${grant.memberId}|${grant.granterId}|`), grant.wrappedKey);
}

export interface GrantTo {
  roomId: string;
  epoch: number;
  granterId: string;
  /** The granter's device, which signs. */
  granter: DeviceIdentity;
  grantee: { memberId: string; wrapKey: Uint8Array };
  /** An extractable room key (the ring's keys are). */
  roomKey: CryptoKey;
}

/** Wraps a room key for the grantee's device and signs the result as the granter. */
export async function makeGrant({ roomId, epoch, granterId, granter, grantee, roomKey }: GrantTo): Promise<Grant> {
  let wrapFor: CryptoKey;
  try {
    wrapFor = await crypto.subtle.importKey('spki', ownBytes(grantee.wrapKey), RSA_OAEP, false, ['wrapKey']);
  } catch {
    throw new Error(`Member ${grantee.memberId} has no usable RSA-OAEP key`);
  }
  const wrappedKey = new Uint8Array(await crypto.subtle.wrapKey('raw', roomKey, wrapFor, RSA_OAEP));
  const fields = { epoch, memberId: grantee.memberId, granterId, wrappedKey };
  const signature = new Uint8Array(await crypto.subtle.sign(ECDSA, granter.signing, grantSignedData(roomId, fields)));
  return { ...fields, signature };
}

/**
 * Checks the granter's signature, then unwraps with this device's private key. The signature is
 * what stops the server from slipping in a key of its own: it cannot sign as a member.
 * Throws, saying why, when either fails.
 */
export async function openGrant(roomId: string, grant: Grant, granterSignKey: Uint8Array, device: DeviceIdentity): Promise<CryptoKey> {
  if (grant.signature.length !== SIGNATURE_BYTES) throw new Error(`The grant of epoch ${grant.epoch} has a malformed signature`);
  let verifyWith: CryptoKey;
  try {
    verifyWith = await crypto.subtle.importKey('spki', ownBytes(granterSignKey), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  } catch {
    throw new Error(`Member ${grant.granterId} has no usable ECDSA key`);
  }
  const signed = await crypto.subtle.verify(ECDSA, verifyWith, ownBytes(grant.signature), grantSignedData(roomId, grant));
  if (!signed) throw new Error(`The grant of epoch ${grant.epoch} is not signed by ${grant.granterId}`);
  let key: CryptoKey;
  try {
    key = await crypto.subtle.unwrapKey('raw', ownBytes(grant.wrappedKey), device.unwrapping, RSA_OAEP, 'AES-GCM', true, ['encrypt', 'decrypt']);
  } catch {
    throw new Error(`The grant of epoch ${grant.epoch} does not unwrap with this device's key`);
  }
  // Raw AES import also takes 16- and 24-byte keys; a room key is 32 bytes and nothing weaker.
  if ((key.algorithm as AesKeyAlgorithm).length !== 256) throw new Error(`The grant of epoch ${grant.epoch} holds no 32-byte key`);
  return key;
}
