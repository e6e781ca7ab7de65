import { decryptEnvelope, encryptEnvelope, type Envelope, type EnvelopeContext } from './envelope';

/**
 * The room keys this client holds, by epoch; they get here only from grants whose signatures
 * check out (or from this browser's own rotation). Sync and chat encrypt and decrypt only
 * through a ring.
 *
 * Keys arrive asynchronously (a grant is verified and unwrapped before it counts) while
 * envelopes of the new epoch may already be on their way. Work that may add a key is therefore
 * `track`ed, and decrypting waits for it: an envelope that arrived after its key is read with it.
 */
export class RoomKeyRing {
  private readonly keys = new Map<number, CryptoKey>();
  private current = -1;
  private settled: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(epoch: number) => void>();

  constructor(initial?: { epoch: number; key: CryptoKey }) {
    if (initial) this.add(initial.epoch, initial.key);
  }

  add(epoch: number, key: CryptoKey): void {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new Error(`Invalid key epoch ${epoch}`);
    if (this.keys.has(epoch)) return;
    this.keys.set(epoch, key);
    if (epoch <= this.current) return;
    this.current = epoch;
    for (const listener of [...this.listeners]) listener(epoch);
  }

  /** The newest epoch held; -1 while the ring is empty. */
  get currentEpoch(): number {
    return this.current;
  }

  has(epoch: number): boolean {
    return this.keys.has(epoch);
  }

  /** Every epoch held, oldest first. */
  epochs(): number[] {
    return [...this.keys.keys()].sort((a, b) => a - b);
  }

  /** The key of an epoch, for granting it to another member. */
  keyFor(epoch: number): CryptoKey {
    const key = this.keys.get(epoch);
    if (!key) throw new Error(`No room key for epoch ${epoch}`);
    return key;
  }

  /** Told the new epoch whenever a newer key arrives. */
  subscribe(listener: (epoch: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Decrypting waits for `work` (which must settle by itself: crypto, not network). */
  track(work: Promise<unknown>): void {
    const done = () => {};
    this.settled = Promise.all([this.settled, work.then(done, done)]).then(done);
  }

  /** Whether the key of `epoch` is held once the key work under way has settled. */
  async holds(epoch: number): Promise<boolean> {
    await this.settled;
    return this.keys.has(epoch);
  }

  encrypt(ctx: EnvelopeContext, plaintext: Uint8Array): Promise<Envelope> {
    const key = this.keys.get(this.current);
    if (!key) return Promise.reject(new Error('No room key'));
    return encryptEnvelope(key, { ...ctx, epoch: this.current }, plaintext);
  }

  async decrypt(ctx: EnvelopeContext, envelope: Envelope): Promise<Uint8Array> {
    await this.settled;
    const key = this.keys.get(envelope.epoch);
    if (!key) throw new Error(`No room key for epoch ${envelope.epoch}`);
    return decryptEnvelope(key, ctx, envelope);
  }
}
