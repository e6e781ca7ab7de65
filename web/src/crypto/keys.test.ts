import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import {
  createDeviceIdentity,
  decryptEnvelope,
  deriveRoomSecrets,
  encryptEnvelope,
  fingerprint,
  fromBase64Url,
  importRoomKey,
  indexedDbDeviceStore,
  linkProof,
  linkProofHolds,
  loadDeviceIdentity,
  makeGrant,
  newRoomKey,
  openGrant,
  RoomKeyRing,
  type DeviceIdentity,
  type DeviceStore,
  type Grant,
} from './index';

interface DeviceVector { wrapKey: string; signKey: string; wrapPrivatePkcs8: string; signPrivatePkcs8: string; fingerprint: string; linkProof: string }
interface GrantVector { epoch: number; memberId: string; granterId: string; roomKey: string; wrappedKey: string; signedData: string; signature: string }
const vectors = JSON.parse(readFileSync(new URL('../../../tests/vectors/keys.json', import.meta.url), 'utf8')) as {
  linkSecret: string;
  roomId: string;
  linkProofKey: string;
  lobbyKey: string;
  devices: DeviceVector[];
  grants: GrantVector[];
};

const hex = (h: string) => new Uint8Array((h.match(/../g) ?? []).map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array | ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
const flip = (bytes: Uint8Array, at: number) => bytes.map((b, i) => (i === at ? b ^ 1 : b));

/** A vector device with its private keys imported the way the browser keeps its own: non-extractable. */
async function vectorDevice(v: DeviceVector): Promise<DeviceIdentity> {
  const unwrapping = await crypto.subtle.importKey('pkcs8', hex(v.wrapPrivatePkcs8), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['unwrapKey']);
  const signing = await crypto.subtle.importKey('pkcs8', hex(v.signPrivatePkcs8), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  return { wrapKey: hex(v.wrapKey), signKey: hex(v.signKey), unwrapping, signing };
}

const grantOf = (v: GrantVector): Grant => ({
  epoch: v.epoch,
  memberId: v.memberId,
  granterId: v.granterId,
  wrappedKey: hex(v.wrappedKey),
  signature: hex(v.signature),
});

describe('link-derived keys', () => {
  it('derive the vector link-proof key: proofs match byte for byte', async () => {
    const { linkProofKey } = await deriveRoomSecrets(fromBase64Url(vectors.linkSecret));
    const vectorKey = await crypto.subtle.importKey('raw', hex(vectors.linkProofKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    for (const d of vectors.devices) {
      const device = { wrapKey: hex(d.wrapKey), signKey: hex(d.signKey) };
      expect(toHex(await linkProof(linkProofKey, vectors.roomId, device))).toBe(d.linkProof);
      expect(toHex(await linkProof(vectorKey, vectors.roomId, device))).toBe(d.linkProof);
    }
  });

  it('derive the vector lobby key: same key, same ciphertext', async () => {
    const { lobbyKey } = await deriveRoomSecrets(fromBase64Url(vectors.linkSecret));
    const ctx = { roomId: vectors.roomId, kind: 'member-profile' as const, epoch: 0, sender: '' };
    const iv = new Uint8Array(12).fill(5);
    const plain = new TextEncoder().encode('{"name":"Ann","color":"#34d399"}');
    const derived = await encryptEnvelope(lobbyKey, ctx, plain, iv);
    const expected = await encryptEnvelope(await importRoomKey(hex(vectors.lobbyKey)), ctx, plain, iv);
    expect(toHex(derived.ciphertext)).toBe(toHex(expected.ciphertext));
  });
});

describe('link proofs', () => {
  const device = { wrapKey: hex(vectors.devices[0].wrapKey), signKey: hex(vectors.devices[0].signKey) };
  const proof = hex(vectors.devices[0].linkProof);

  it('hold for the link, room and device they were made for', async () => {
    const { linkProofKey } = await deriveRoomSecrets(fromBase64Url(vectors.linkSecret));
    expect(await linkProofHolds(linkProofKey, vectors.roomId, device, proof)).toBe(true);
  });

  it('fail for another link, another room, another device, a flipped byte or a wrong length', async () => {
    const { linkProofKey } = await deriveRoomSecrets(fromBase64Url(vectors.linkSecret));
    const other = await deriveRoomSecrets(new Uint8Array(32).fill(1));
    const otherDevice = { wrapKey: hex(vectors.devices[1].wrapKey), signKey: hex(vectors.devices[1].signKey) };
    expect(await linkProofHolds(other.linkProofKey, vectors.roomId, device, proof)).toBe(false);
    expect(await linkProofHolds(linkProofKey, 'AnotherRoomAAAAAAAAAAA', device, proof)).toBe(false);
    expect(await linkProofHolds(linkProofKey, vectors.roomId, otherDevice, proof)).toBe(false);
    expect(await linkProofHolds(linkProofKey, vectors.roomId, device, flip(proof, 7))).toBe(false);
    expect(await linkProofHolds(linkProofKey, vectors.roomId, device, proof.subarray(1))).toBe(false);
  });
});

describe('fingerprints', () => {
  it.each(vectors.devices.map((d, i) => [i, d] as const))('of vector device %i match', async (_i, d) => {
    expect(await fingerprint({ wrapKey: hex(d.wrapKey), signKey: hex(d.signKey) })).toBe(d.fingerprint);
  });

  it('are six groups of five digits', async () => {
    const made = await createDeviceIdentity();
    expect(await fingerprint(made)).toMatch(/^\d{5}( \d{5}){5}$/);
  });
});

describe('grants', () => {
  it.each(vectors.grants)('of epoch $epoch unwrap to the room key once the signature checks out', async (v) => {
    const grantee = await vectorDevice(vectors.devices[0]);
    expect(grantee.unwrapping.extractable).toBe(false);
    const key = await openGrant(vectors.roomId, grantOf(v), hex(vectors.devices[1].signKey), grantee);
    expect(toHex(await crypto.subtle.exportKey('raw', key))).toBe(v.roomKey);
  });

  it.each(vectors.grants)('of epoch $epoch verify over exactly the vector signed data', async (v) => {
    const granterSignKey = await crypto.subtle.importKey('spki', hex(vectors.devices[1].signKey), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const ecdsa = { name: 'ECDSA', hash: 'SHA-256' };
    expect(await crypto.subtle.verify(ecdsa, granterSignKey, hex(v.signature), hex(v.signedData))).toBe(true);
    expect(await crypto.subtle.verify(ecdsa, granterSignKey, hex(v.signature), flip(hex(v.signedData), 40))).toBe(false);
  });

  describe('that were tampered with', () => {
    const v = vectors.grants[0];
    it.each([
      ['a flipped wrapped-key byte', { wrappedKey: flip(hex(v.wrappedKey), 100) }],
      ['a flipped signature byte', { signature: flip(hex(v.signature), 10) }],
      ['another epoch', { epoch: 1 }],
      ['another grantee', { memberId: 'SomeoneElseAAAAAAAAAAA' }],
      ['another granter', { granterId: 'SomeoneElseAAAAAAAAAAA' }],
    ])('are refused with %s', async (_name, change) => {
      const grantee = await vectorDevice(vectors.devices[0]);
      await expect(openGrant(vectors.roomId, { ...grantOf(v), ...change }, hex(vectors.devices[1].signKey), grantee)).rejects.toThrow(/not signed by/);
    });

    it('are refused when checked against another granter key or for another room', async () => {
      const grantee = await vectorDevice(vectors.devices[0]);
      await expect(openGrant(vectors.roomId, grantOf(v), hex(vectors.devices[0].signKey), grantee)).rejects.toThrow(/not signed by/);
      await expect(openGrant('AnotherRoomAAAAAAAAAAA', grantOf(v), hex(vectors.devices[1].signKey), grantee)).rejects.toThrow(/not signed by/);
    });
  });

  it('made here open on the other side, and only for the grantee', async () => {
    const [granter, grantee] = await Promise.all(vectors.devices.map(vectorDevice));
    const roomKey = await newRoomKey();
    const grant = await makeGrant({
      roomId: 'room',
      epoch: 3,
      granterId: 'ann',
      granter,
      grantee: { memberId: 'bob', wrapKey: grantee.wrapKey },
      roomKey,
    });
    expect([grant.wrappedKey.length, grant.signature.length]).toEqual([384, 64]);
    const opened = await openGrant('room', grant, granter.signKey, grantee);
    expect(toHex(await crypto.subtle.exportKey('raw', opened))).toBe(toHex(await crypto.subtle.exportKey('raw', roomKey)));
    await expect(openGrant('room', grant, granter.signKey, granter)).rejects.toThrow(/does not unwrap/);
  });
});

describe('device identity', () => {
  it('has RSA-OAEP 3072 and P-256 public keys and non-extractable private keys', async () => {
    const device = await createDeviceIdentity();
    const wrap = await crypto.subtle.importKey('spki', device.wrapKey, { name: 'RSA-OAEP', hash: 'SHA-256' }, true, ['wrapKey']);
    expect((wrap.algorithm as RsaHashedKeyAlgorithm).modulusLength).toBe(3072);
    const sign = await crypto.subtle.importKey('spki', device.signKey, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
    expect((sign.algorithm as EcKeyAlgorithm).namedCurve).toBe('P-256');
    expect([device.unwrapping.extractable, device.signing.extractable]).toEqual([false, false]);
    await expect(crypto.subtle.exportKey('pkcs8', device.signing)).rejects.toThrow();
  });

  it('is made once per profile and read back from IndexedDB with working private keys', async () => {
    const store = indexedDbDeviceStore();
    const first = await loadDeviceIdentity(store);
    const again = await loadDeviceIdentity(store);
    expect(toHex(again.wrapKey)).toBe(toHex(first.wrapKey));
    expect(toHex(again.signKey)).toBe(toHex(first.signKey));
    expect(again.signing.extractable).toBe(false);
    // The stored private key still signs what the public key verifies: a grant made with it opens.
    const roomKey = await newRoomKey();
    const grant = await makeGrant({ roomId: 'r', epoch: 0, granterId: 'a', granter: again, grantee: { memberId: 'a', wrapKey: first.wrapKey }, roomKey });
    await expect(openGrant('r', grant, first.signKey, again)).resolves.toBeDefined();
  });

  it('keeps the identity that another tab stored first', async () => {
    const store = indexedDbDeviceStore();
    const stored = await loadDeviceIdentity(store);
    const raced = await createDeviceIdentity();
    const kept = await store.keep(raced);
    expect(toHex(kept.signKey)).toBe(toHex(stored.signKey));
  });

  it('still gives an identity, for this page only, when storage fails', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const broken: DeviceStore = { load: () => Promise.reject(new Error('blocked')), keep: () => Promise.reject(new Error('blocked')) };
    const device = await loadDeviceIdentity(broken);
    expect(device.wrapKey.length).toBeGreaterThan(300);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });
});

describe('RoomKeyRing', () => {
  it('decrypts an envelope whose key was still being unwrapped when it arrived', async () => {
    const ring = new RoomKeyRing();
    const key = await newRoomKey();
    const ctx = { roomId: 'r', kind: 'doc-update' as const, sender: 's' };
    const envelope = await encryptEnvelope(key, { ...ctx, epoch: 4 }, new Uint8Array([7]));
    let deliver!: () => void;
    ring.track(new Promise<void>((resolve) => (deliver = resolve)).then(() => ring.add(4, key)));
    const opened = ring.decrypt(ctx, envelope);
    deliver();
    expect([...(await opened)]).toEqual([7]);
    expect(await decryptEnvelope(ring.keyFor(4), ctx, envelope)).toEqual(new Uint8Array([7]));
    expect(ring.epochs()).toEqual([4]);
  });
});
