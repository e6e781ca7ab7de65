import type { StoredUpdate, UpdatePage } from '../wire/protocol';

export interface GapFillerOptions {
  /** Highest seq up to which every update has been applied. */
  lastSeq: () => number;
  /** Whether an update above `lastSeq + 1` has come in, so one below it is missing. */
  hasGap: () => boolean;
  /** True while the gap is expected to stay (updates sealed under a key this browser still waits for). */
  paused: () => boolean;
  fetchUpdates: (afterSeq: number) => Promise<UpdatePage>;
  apply: (update: StoredUpdate) => Promise<void>;
  /** Joins again, which brings the log from `lastSeq` on, through a snapshot when it was compacted. */
  rejoin: () => void;
  /** How long a gap may stay before it is fetched: the missing update is usually just behind. */
  waitMs?: number;
}

const MAX_WAIT_MS = 30_000;

/**
 * Live updates reach a browser in order from one server node; through several nodes, or after a
 * delivery the server dropped, one can arrive above a gap (docs/protocol.md, "Sync"). Yjs holds what
 * depends on the missing update, and `lastSeq` stays below the gap, so nothing is lost; but rather
 * than wait for the next rejoin, a gap that stays is fetched from the room's log. One fetch at a
 * time; a gap the log does not fill (a server that skips a number) is asked again less and less often.
 */
export class GapFiller {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private filling = false;
  private waitMs: number;

  constructor(private readonly options: GapFillerOptions) {
    this.waitMs = options.waitMs ?? 500;
  }

  /** After each live update: a gap below it is fetched after a short wait, unless it fills first. */
  noticed(): void {
    if (this.timer !== undefined || this.filling || !this.options.hasGap()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.fill();
    }, this.waitMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async fill(): Promise<void> {
    const { hasGap, paused, fetchUpdates, apply, lastSeq, rejoin } = this.options;
    if (!hasGap() || paused()) return;
    this.filling = true;
    const before = lastSeq();
    try {
      for (;;) {
        const page = await fetchUpdates(lastSeq());
        for (const update of page.updates) await apply(update);
        if (!page.more || page.updates.length === 0) break;
      }
    } catch {
      rejoin(); // compacted meanwhile ("join again"), or the connection dropped: a join brings it all
    } finally {
      this.filling = false;
    }
    this.waitMs = lastSeq() > before ? (this.options.waitMs ?? 500) : Math.min(this.waitMs * 2, MAX_WAIT_MS);
    this.noticed();
  }
}
