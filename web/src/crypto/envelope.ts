import { ownBytes, utf8 } from './bytes';

export type EnvelopeKind = 'doc-update' | 'doc-snapshot' | 'awareness' | 'chat' | 'member-profile' | 'room-link' | 'room-meta' | 'file-meta';

/** What an envelope is bound to. The epoch is not here: it travels in the envelope itself. */
export interface EnvelopeContext {
  roomId: string;
  kind: EnvelopeKind;
  sender: string;
  /** Kind `chat` only: the sender's message id (`{stream}.{counter}`, see chat/messageIds). */
  messageId?: string;
}

export interface Envelope {
  epoch: number;
  iv: Uint8Array;
  /** Includes the 16-byte GCM tag. */
  ciphertext: Uint8Array;
}

export const IV_BYTES = 12;

/**
 * The associated data binds room, kind, epoch and sender, so the server (or anyone relaying)
 * cannot replay a ciphertext into another room, another kind, or under another member's name.
 * A chat message also binds its message id, which names the sender's stream and counter: the
 * server cannot move a message to another id, so replays and reorderings show (chat/senderOrder).
 */
export function associatedData(roomId: string, kind: EnvelopeKind, epoch: number, sender: string, messageId?: string): Uint8Array<ArrayBuffer> {
  if (kind !== 'chat') return utf8(`parley/v1|${roomId}|${kind}|${epoch}|${sender}`);
  if (messageId === undefined) throw new Error('A chat envelope needs its message id');
  return utf8(`parley/v2|${roomId}|chat|${epoch}|${sender}|${messageId}`);
}

/**
 * Encrypts with a fresh random IV. `fixedIvForTests` exists only so the shared test vectors can be
 * reproduced byte for byte: reusing an IV under one key breaks GCM, so production code never passes it.
 */
export async function encryptEnvelope(
  key: CryptoKey,
  ctx: EnvelopeContext & { epoch: number },
  plaintext: Uint8Array,
  fixedIvForTests?: Uint8Array,
): Promise<Envelope> {
  const iv = fixedIvForTests ? ownBytes(fixedIvForTests) : crypto.getRandomValues(new Uint8Array(IV_BYTES));
  if (iv.length !== IV_BYTES) throw new Error('IV must be 12 bytes');
  const additionalData = associatedData(ctx.roomId, ctx.kind, ctx.epoch, ctx.sender, ctx.messageId);
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, ownBytes(plaintext));
  return { epoch: ctx.epoch, iv, ciphertext: new Uint8Array(ciphertext) };
}

/** Throws if the ciphertext, IV, epoch or any bound field was changed. */
export async function decryptEnvelope(key: CryptoKey, ctx: EnvelopeContext, envelope: Envelope): Promise<Uint8Array<ArrayBuffer>> {
  if (envelope.iv.length !== IV_BYTES) throw new Error('Envelope IV must be 12 bytes');
  const additionalData = associatedData(ctx.roomId, ctx.kind, envelope.epoch, ctx.sender, ctx.messageId);
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: ownBytes(envelope.iv), additionalData },
    key,
    ownBytes(envelope.ciphertext),
  );
  return new Uint8Array(plain);
}
