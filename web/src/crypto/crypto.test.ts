import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  associatedData,
  decryptEnvelope,
  deriveRoomSecrets,
  encryptEnvelope,
  fromBase64Url,
  importRoomKey,
  joinVerifierText,
  randomLinkSecret,
  RoomKeyRing,
  toBase64Url,
  type EnvelopeKind,
} from './index';

interface KdfVector { linkSecret: string; joinKey: string; joinVerifier: string }
interface EnvelopeVector {
  key: string; roomId: string; kind: EnvelopeKind; epoch: number; sender: string;
  iv: string; plaintext: string; associatedData: string; ciphertext: string; messageId?: string;
}
const vectors = JSON.parse(
  readFileSync(new URL('../../../tests/vectors/envelopes.json', import.meta.url), 'utf8'),
) as { kdf: KdfVector[]; envelopes: EnvelopeVector[] };

const hex = (h: string) => new Uint8Array((h.match(/../g) ?? []).map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

describe('base64url', () => {
  it('round-trips every length without padding', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const text = toBase64Url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(fromBase64Url(text)).toEqual(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
    }
  });

  it('rejects characters outside the alphabet and non-canonical endings', () => {
    expect(() => fromBase64Url('ab+c')).toThrow();
    expect(() => fromBase64Url('abc=')).toThrow();
    expect(() => fromBase64Url('A')).toThrow();
    expect(() => fromBase64Url('AB')).toThrow(); // 'AB' leaves non-zero spare bits
  });
});

describe('room secrets', () => {
  // Room keys come from grants (keys.test.ts), not from the link: the link gives the join key.
  it.each(vectors.kdf)('derives the join key and verifier of link secret $linkSecret', async (v) => {
    const secrets = await deriveRoomSecrets(fromBase64Url(v.linkSecret));
    expect(toHex(secrets.joinKey)).toBe(v.joinKey);
    expect(joinVerifierText(secrets)).toBe(v.joinVerifier);
    expect(secrets.linkProofKey.extractable).toBe(false);
    expect(secrets.lobbyKey.extractable).toBe(false);
  });

  it('makes 32 random bytes per link secret and refuses other lengths', async () => {
    const a = randomLinkSecret();
    expect(a.length).toBe(32);
    expect(toHex(a)).not.toBe(toHex(randomLinkSecret()));
    await expect(deriveRoomSecrets(new Uint8Array(16))).rejects.toThrow();
  });
});

describe('envelopes', () => {
  it.each(vectors.envelopes)('matches the $kind vector of room $roomId', async (v) => {
    const key = await importRoomKey(hex(v.key));
    const ctx = { roomId: v.roomId, kind: v.kind, sender: v.sender, messageId: v.messageId };
    expect(new TextDecoder().decode(associatedData(v.roomId, v.kind, v.epoch, v.sender, v.messageId))).toBe(v.associatedData);

    const sealed = await encryptEnvelope(key, { ...ctx, epoch: v.epoch }, hex(v.plaintext), hex(v.iv));
    expect(sealed.epoch).toBe(v.epoch);
    expect(toHex(sealed.iv)).toBe(v.iv);
    expect(toHex(sealed.ciphertext)).toBe(v.ciphertext);

    const opened = await decryptEnvelope(key, ctx, { epoch: v.epoch, iv: hex(v.iv), ciphertext: hex(v.ciphertext) });
    expect(toHex(opened)).toBe(v.plaintext);
  });

  describe('tampering', () => {
    const v = vectors.envelopes[0];
    const envelope = () => ({ epoch: v.epoch, iv: hex(v.iv), ciphertext: hex(v.ciphertext) });
    const ctx = { roomId: v.roomId, kind: v.kind, sender: v.sender };

    it.each([
      ['another room', { ...ctx, roomId: 'Zx7pL2mN9vR4tY8wZ1aB3c' }, envelope()],
      ['another kind', { ...ctx, kind: 'doc-snapshot' as const }, envelope()],
      ['another sender', { ...ctx, sender: 'someone-else' }, envelope()],
      ['another epoch', ctx, { ...envelope(), epoch: 1 }],
      ['a flipped ciphertext bit', ctx, { ...envelope(), ciphertext: hex(v.ciphertext).map((b, i) => (i === 3 ? b ^ 1 : b)) }],
      ['a flipped tag bit', ctx, { ...envelope(), ciphertext: hex(v.ciphertext).map((b, i, a) => (i === a.length - 1 ? b ^ 0x80 : b)) }],
      ['another IV', ctx, { ...envelope(), iv: new Uint8Array(12) }],
    ])('fails with %s', async (_name, badCtx, badEnvelope) => {
      const key = await importRoomKey(hex(v.key));
      await expect(decryptEnvelope(key, badCtx, badEnvelope)).rejects.toThrow();
    });
  });

  describe('a chat message', () => {
    const v = vectors.envelopes.find((e) => e.kind === 'chat')!;
    const envelope = { epoch: v.epoch, iv: hex(v.iv), ciphertext: hex(v.ciphertext) };
    const ctx = { roomId: v.roomId, kind: v.kind, sender: v.sender, messageId: v.messageId };

    it.each([
      ['another message id', { ...ctx, messageId: 's7reAmIdAAAAAAAAAAAAAA.2' }],
      ['another stream', { ...ctx, messageId: 'otherStreamAAAAAAAAAAA.1' }],
      ['another sender', { ...ctx, sender: 'someone-else' }],
    ])('does not open under %s', async (_name, badCtx) => {
      await expect(decryptEnvelope(await importRoomKey(hex(v.key)), badCtx, envelope)).rejects.toThrow();
    });

    it('cannot be sealed or opened without its message id', async () => {
      await expect(decryptEnvelope(await importRoomKey(hex(v.key)), { ...ctx, messageId: undefined }, envelope)).rejects.toThrow(/message id/);
    });
  });

  it('uses a fresh IV for every envelope', async () => {
    const key = await importRoomKey(new Uint8Array(32).fill(1));
    const ctx = { roomId: 'r', kind: 'awareness' as const, epoch: 0, sender: 's' };
    const a = await encryptEnvelope(key, ctx, new Uint8Array([1]));
    const b = await encryptEnvelope(key, ctx, new Uint8Array([1]));
    expect(toHex(a.iv)).not.toBe(toHex(b.iv));
  });
});

describe('RoomKeyRing', () => {
  it('encrypts under the newest epoch and decrypts by the envelope epoch', async () => {
    const ring = new RoomKeyRing({ epoch: 0, key: await importRoomKey(new Uint8Array(32).fill(1)) });
    const ctx = { roomId: 'r', kind: 'doc-update' as const, sender: 's' };
    const old = await ring.encrypt(ctx, new Uint8Array([1, 2]));
    ring.add(1, await importRoomKey(new Uint8Array(32).fill(2)));
    const fresh = await ring.encrypt(ctx, new Uint8Array([3]));
    expect([old.epoch, fresh.epoch]).toEqual([0, 1]);
    expect([...(await ring.decrypt(ctx, old))]).toEqual([1, 2]);
    expect([...(await ring.decrypt(ctx, fresh))]).toEqual([3]);
    await expect(ring.decrypt(ctx, { ...fresh, epoch: 5 })).rejects.toThrow(/epoch 5/);
  });
});
