import * as Y from 'yjs';
import { type Envelope, type PushResult } from '../wire/protocol';
import { errorText } from '../wire/refusalWords';
import { refusalCodeOf } from '../wire/refusals';
import { REMOTE } from './storedUpdates';

export interface LocalEditsOptions {
  doc: Y.Doc;
  /** Encrypts under the room's current key. */
  seal: (update: Uint8Array) => Promise<Envelope>;
  send: (envelope: Envelope) => Promise<PushResult>;
  /** Pushes go out only while this holds (joined, with the current key). */
  canPush: () => boolean;
  /** The newest key epoch this browser holds. */
  keyEpoch: () => number;
  acknowledged: (result: PushResult) => void;
  /** The room's document log is full (`room-log-full`): a snapshot from this browser, or its confirmation of another member's, frees it. */
  logFull?: () => void;
  report: (message: string) => void;
  /** The unacknowledged edits changed (an edit, an acknowledgement, a drop): see `unacknowledged`. */
  changed?: () => void;
  batchMs?: number;
  retryMs?: number;
}

/** Origin of edits an earlier visit left unacknowledged: already pending, so not gathered again. */
const RESTORED = Symbol('parley.restored');

/**
 * This browser's own edits on their way to the room: batched for a moment, merged, pushed one at a
 * time, and kept as plaintext until the server acknowledges them, so that nothing typed is lost to
 * a dropped connection, a refusal, or a key rotation. Each try is sealed afresh under the current
 * key: after an `epoch-stale` refusal the edit waits for the new key and goes out under it.
 */
export class LocalEdits {
  private batch: Uint8Array[] = [];
  private batchTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pending: Uint8Array[] = [];
  private pushing = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** The epoch of a push refused as stale: nothing goes out until a newer key is here. */
  private staleEpoch: number | null = null;
  private stopped = false;
  /** Sends still on their way, so a goodbye can let them finish. */
  readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly options: LocalEditsOptions) {
    options.doc.on('update', this.onUpdate);
  }

  /** Unacknowledged updates (a batch still gathering counts as one). */
  get count(): number {
    return this.pending.length + (this.batch.length > 0 ? 1 : 0);
  }

  /** Every unacknowledged edit as one update (what a closed tab must not lose), or null when all are acknowledged. */
  unacknowledged(): Uint8Array | null {
    const all = [...this.pending, ...this.batch];
    if (all.length === 0) return null;
    return all.length === 1 ? all[0] : Y.mergeUpdates(all);
  }

  /**
   * Edits an earlier visit left unacknowledged: applied to the doc (Yjs drops structs it has, and
   * holds back those whose predecessors the room has not sent yet) and pushed as they are once joined.
   */
  restore(update: Uint8Array): void {
    Y.applyUpdate(this.options.doc, update, RESTORED);
    this.pending.unshift(update);
    this.options.changed?.();
    this.push();
  }

  /** Tries now: after a join, or once a newer key has arrived. */
  push(): void {
    this.track(this.pushPending());
  }

  /** Sends what is batched at once (the page is going away). */
  readonly flush = () => {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (this.batch.length === 0) return;
    this.pending.push(this.batch.length === 1 ? this.batch[0] : Y.mergeUpdates(this.batch));
    this.batch = [];
    this.push();
  };

  /** The room is over for this browser: unsent edits are moot. */
  drop(): void {
    this.clearTimers();
    this.batch = [];
    this.pending.length = 0;
    this.options.changed?.();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.options.doc.off('update', this.onUpdate);
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE || origin === RESTORED) return;
    this.batch.push(update);
    this.options.changed?.();
    this.batchTimer ??= setTimeout(this.flush, this.options.batchMs ?? 30);
  };

  private async pushPending(): Promise<void> {
    const { canPush, keyEpoch } = this.options;
    if (this.pushing || this.pending.length === 0 || !canPush()) return;
    if (this.staleEpoch !== null && keyEpoch() <= this.staleEpoch) return;
    this.pushing = true;
    this.staleEpoch = null;
    const update = this.pending.length === 1 ? this.pending[0] : Y.mergeUpdates(this.pending);
    // Keep the merged form so a re-send after a reconnect is a single push as well.
    this.pending.splice(0, this.pending.length, update);
    let acknowledged = false;
    let envelope: Envelope | null = null;
    try {
      envelope = await this.options.seal(update);
      const result = await this.options.send(envelope);
      this.pending.splice(this.pending.indexOf(update), 1);
      this.failures = 0;
      acknowledged = true;
      this.options.changed?.();
      this.options.acknowledged(result);
    } catch (error) {
      this.refused(error, envelope);
    } finally {
      this.pushing = false;
    }
    if (acknowledged || (this.staleEpoch !== null && keyEpoch() > this.staleEpoch)) this.push();
  }

  /** Still pending either way. While connected it was refused, not lost: retry, backing off, or wait for the new key. */
  private refused(error: unknown, envelope: Envelope | null): void {
    if (this.stopped || !this.options.canPush()) return;
    if (envelope && refusalCodeOf(error) === 'epoch-stale') {
      // Not a failure: the room moved to a new key. The plaintext is still here, so the next try reseals it.
      this.staleEpoch = envelope.epoch;
      return;
    }
    this.options.report(errorText(error));
    // The edit stays pending and is retried: a snapshot (ours, or another member's) makes room for it.
    if (refusalCodeOf(error) === 'room-log-full') this.options.logFull?.();
    const delay = Math.min(30_000, (this.options.retryMs ?? 2000) * 2 ** this.failures++);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.push(), delay);
  }

  private clearTimers(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.batchTimer = this.retryTimer = null;
  }

  private track(work: Promise<unknown>): void {
    this.inflight.add(work);
    const done = () => void this.inflight.delete(work);
    work.then(done, done);
  }
}

/** Waits for `works` to settle, at most `timeoutMs`. */
export async function settledWithin(works: Promise<unknown>[], timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([Promise.allSettled(works), deadline]);
  clearTimeout(timer);
}
