import type { RoomKeyRing } from '../crypto';
import type { Envelope, SnapshotRef, StoredSnapshot, StoredUpdate } from '../wire/protocol';
import type { RoomTransport } from '../wire/transport';
import { holdsWhatItCovers } from './snapshotCheck';

/**
 * confirmed: this browser confirmed it. failed: it does not hold what it covers (or could not be checked
 * here): this browser may offer its own snapshot instead. none: no snapshot waits. mine: this browser's
 * own waits (another member must confirm it). skipped: already reviewed, or this browser may not confirm anything.
 */
export type ReviewOutcome = 'confirmed' | 'failed' | 'none' | 'mine' | 'skipped';

export interface SnapshotReviewOptions {
  roomId: string;
  keys: RoomKeyRing;
  transport: Pick<RoomTransport, 'fetchPendingSnapshot' | 'fetchUpdates' | 'confirmSnapshot'>;
  /** This browser's member id. */
  self: () => string | null;
  /** True once this browser skipped an update it could not decrypt: it never vouches for a snapshot then. */
  incomplete: () => boolean;
  /** Uploads this browser's own snapshot. */
  upload: () => void;
  report: (message: string) => void;
}

const refOf = (s: SnapshotRef) => `${s.upToSeq}:${s.sender}`;

/** How many snapshots one review looks at when the one it checked was replaced meanwhile. */
const REVIEW_ATTEMPTS = 3;

/**
 * Checks another member's pending snapshot against the room's log and confirms it when it holds what it
 * covers (docs/protocol.md, "Vandal snapshots"). The log it rebuilds comes from the server, which keeps
 * the covered updates until a confirmation: bounded by the room's log limit, like a join.
 */
export class SnapshotReview {
  private readonly outcomes = new Map<string, ReviewOutcome>();
  private running: Promise<ReviewOutcome> | null = null;

  constructor(private readonly options: SnapshotReviewOptions) {}

  /**
   * Answers `confirmDue` (with the snapshot it names) or a full log (without): reviews the waiting
   * snapshot, and answers one that fails with this browser's own, which replaces it as pending (so a
   * lying member cannot hold the log hostage); so is a full log with nothing waiting. Not when our own
   * waits: uploading it again on every retry would change nothing.
   */
  answer(due?: SnapshotRef): void {
    this.review(due)
      .then((outcome) => {
        if (outcome === 'failed' || (!due && (outcome === 'none' || outcome === 'skipped'))) this.options.upload();
      })
      .catch((error: unknown) => this.options.report(error instanceof Error ? error.message : String(error))); // asked again later
  }

  /** Reviews the pending snapshot (the one `due` names, when given); one review at a time. */
  review(due?: SnapshotRef): Promise<ReviewOutcome> {
    if (this.options.incomplete()) return Promise.resolve('skipped');
    if (due && (due.sender === this.options.self() || this.outcomes.has(refOf(due)))) return Promise.resolve('skipped');
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  /**
   * Reviews what waits now. A snapshot replaced while this browser checked it (its sender's next one,
   * which covers more) or confirmed by another member meanwhile is not the end of it: the one waiting
   * then is reviewed too, a bounded number of times, since this may be the last push that asks.
   */
  private async run(): Promise<ReviewOutcome> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.reviewWaiting();
      if (outcome !== 'gone' || attempt === REVIEW_ATTEMPTS) return outcome === 'gone' ? 'skipped' : outcome;
    }
  }

  private async reviewWaiting(): Promise<ReviewOutcome | 'gone'> {
    const { transport, roomId } = this.options;
    const found = await transport.fetchPendingSnapshot(roomId);
    if (!found) return 'none';
    if (found.pending.sender === this.options.self()) return 'mine';
    const ref = refOf(found.pending);
    const known = this.outcomes.get(ref);
    if (known) return known === 'confirmed' ? 'skipped' : known;
    const holds = await this.check(found.pending, found.confirmed);
    // Checked again: an update this browser could not read may have come in meanwhile.
    if (this.options.incomplete()) return 'skipped';
    if (!holds) {
      this.outcomes.set(ref, 'failed');
      return 'failed';
    }
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(found.pending.envelope.ciphertext)));
    const confirmed = await transport.confirmSnapshot(roomId, found.pending.upToSeq, found.pending.sender, digest);
    if (!confirmed) return 'gone'; // not noted: a replacement may carry the same seq and sender
    this.outcomes.set(ref, 'confirmed');
    return 'confirmed';
  }

  /** Rebuilds the covered log from the confirmed snapshot and the updates after it; anything unreadable fails.
   * A call that fails (connection, or a log compacted meanwhile) throws instead: the snapshot is not judged. */
  private async check(pending: StoredSnapshot, confirmed: StoredSnapshot | null): Promise<boolean> {
    const { keys, transport, roomId } = this.options;
    const log: StoredUpdate[] = [];
    for (let after = confirmed?.upToSeq ?? 0, more = true; more; ) {
      const page = await transport.fetchUpdates(roomId, after);
      log.push(...page.updates);
      after = page.updates.at(-1)?.seq ?? after;
      more = page.more && page.updates.length > 0;
    }
    const open = (kind: 'doc-update' | 'doc-snapshot', { sender, envelope }: { sender: string; envelope: Envelope }) =>
      keys.decrypt({ roomId, kind, sender }, envelope);
    try {
      const snapshot = await open('doc-snapshot', pending);
      const covered = confirmed ? [await open('doc-snapshot', confirmed)] : [];
      const later: Uint8Array[] = [];
      let seq = confirmed?.upToSeq ?? 0;
      for (const update of log) {
        if (update.seq !== ++seq) return false; // the log has no gaps; one that does is not the log
        (update.seq <= pending.upToSeq ? covered : later).push(await open('doc-update', update));
      }
      return seq >= pending.upToSeq && holdsWhatItCovers(snapshot, covered, later);
    } catch {
      return false; // an update or snapshot that does not decrypt
    }
  }
}
