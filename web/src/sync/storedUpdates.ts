import * as Y from 'yjs';
import type { RoomKeyRing } from '../crypto';
import type { StoredSnapshot, StoredUpdate, UpdatePage } from '../wire/protocol';
import { SeqTracker } from './seqTracker';

/** Origin of changes that came from the room; only changes with another origin are pushed. */
export const REMOTE = Symbol('parley.remote');

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Applies what the room stored (snapshots and updates, in whatever order they come) to the doc,
 * tracks the highest seq up to which every update has been applied, and takes snapshots, which
 * must claim exactly that.
 */
export class StoredUpdates {
  /** Set once an update could not be applied: a snapshot from us would then drop it for everyone. */
  incomplete = false;
  private readonly seqs = new SeqTracker();
  private snapshotting = false;

  constructor(
    private readonly doc: Y.Doc,
    private readonly roomId: string,
    private readonly keys: RoomKeyRing,
    private readonly skipped: (message: string) => void,
  ) {}

  get lastSeq(): number {
    return this.seqs.lastSeq;
  }

  /** Whether an update above a missing one was applied (see GapFiller). */
  get hasGap(): boolean {
    return this.seqs.hasGap;
  }

  private async awaitsKey(epoch: number): Promise<boolean> {
    return !(await this.keys.holds(epoch)) && epoch > this.keys.currentEpoch;
  }

  /** This browser's own update, acknowledged with this seq: it is in the doc already. */
  record(seq: number): void {
    this.seqs.record(seq);
  }

  async applySnapshot(snapshot: StoredSnapshot): Promise<void> {
    if (snapshot.upToSeq <= this.seqs.lastSeq || (await this.awaitsKey(snapshot.envelope.epoch))) return;
    try {
      const ctx = { roomId: this.roomId, kind: 'doc-snapshot' as const, sender: snapshot.sender };
      Y.applyUpdate(this.doc, await this.keys.decrypt(ctx, snapshot.envelope), REMOTE);
      this.seqs.coverUpTo(snapshot.upToSeq);
    } catch (error) {
      this.incomplete = true;
      this.skipped(`Skipped snapshot up to ${snapshot.upToSeq}: ${messageOf(error)}`);
    }
  }

  async apply(update: StoredUpdate): Promise<void> {
    if (this.seqs.has(update.seq)) return;
    // Sealed under a key this browser has yet to be granted: leave the gap, so the join that
    // follows the grant fetches it again, rather than skip it for good.
    if (await this.awaitsKey(update.envelope.epoch)) return;
    try {
      const ctx = { roomId: this.roomId, kind: 'doc-update' as const, sender: update.sender };
      Y.applyUpdate(this.doc, await this.keys.decrypt(ctx, update.envelope), REMOTE);
    } catch (error) {
      // Not fatal: one forged or damaged update must not lock everyone out of the room.
      this.incomplete = true;
      this.skipped(`Skipped update ${update.seq} from ${update.sender}: ${messageOf(error)}`);
    }
    // Counted even when skipped: fetching it again cannot make it decrypt.
    this.seqs.record(update.seq);
  }

  /**
   * Applies a join's catch-up: its snapshot, its updates and every further page. Returns false as
   * soon as `current` says the join no longer counts (its connection dropped meanwhile).
   */
  async catchUp(
    first: UpdatePage & { snapshot: StoredSnapshot | null },
    nextPage: (afterSeq: number) => Promise<UpdatePage>,
    current: () => boolean,
  ): Promise<boolean> {
    if (first.snapshot) await this.applySnapshot(first.snapshot);
    let page: UpdatePage = first;
    for (;;) {
      for (const update of page.updates) await this.apply(update);
      if (!page.more || page.updates.length === 0) return current();
      page = await nextPage(page.updates[page.updates.length - 1].seq);
      if (!current()) return false;
    }
  }

  /** Sends the doc as a snapshot covering lastSeq; one at a time (the next snapshotDue asks again anyway). */
  async uploadSnapshot(send: (upToSeq: number, state: Uint8Array) => Promise<void>): Promise<void> {
    if (this.snapshotting || this.seqs.lastSeq === 0) return; // an empty log has nothing to cover
    // The server deletes the updates a snapshot covers: one we skipped would be lost for everyone.
    if (this.incomplete) throw new Error('Not uploading a snapshot: this browser skipped an update it could not read');
    this.snapshotting = true;
    try {
      // Taken together: the state holds every update up to lastSeq (and maybe more, which is harmless).
      await send(this.seqs.lastSeq, Y.encodeStateAsUpdate(this.doc));
    } finally {
      this.snapshotting = false;
    }
  }
}
