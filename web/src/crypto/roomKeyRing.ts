import { decryptEnvelope, encryptEnvelope, type Envelope, type EnvelopeContext } from './envelope';

/**
 * The room keys this client holds, by epoch. Sync code encrypts and decrypts only through a ring,
 * so moving from link-derived keys to granted keys (DESIGN.md section 4) changes how keys get
 * added here and nothing else.
 */
export class RoomKeyRing {
  private readonly keys = new Map<number, CryptoKey>();
  private current = -1;

  constructor(initial?: { epoch: number; key: CryptoKey }) {
    if (initial) this.add(initial.epoch, initial.key);
  }

  add(epoch: number, key: CryptoKey): void {
    this.keys.set(epoch, key);
    if (epoch > this.current) this.current = epoch;
  }

  get currentEpoch(): number {
    return this.current;
  }

  has(epoch: number): boolean {
    return this.keys.has(epoch);
  }

  encrypt(ctx: EnvelopeContext, plaintext: Uint8Array): Promise<Envelope> {
    const key = this.keys.get(this.current);
    if (!key) return Promise.reject(new Error('No room key'));
    return encryptEnvelope(key, { ...ctx, epoch: this.current }, plaintext);
  }

  decrypt(ctx: EnvelopeContext, envelope: Envelope): Promise<Uint8Array> {
    const key = this.keys.get(envelope.epoch);
    if (!key) return Promise.reject(new Error(`No room key for epoch ${envelope.epoch}`));
    return decryptEnvelope(key, ctx, envelope);
  }
}
