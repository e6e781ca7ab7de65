/**
 * Tracks `lastSeq`: the highest sequence number up to which every update has been applied.
 * Updates may arrive out of order (live events racing a page fetch, our own push acknowledgements),
 * so numbers above a gap wait in `ahead` until the gap fills. `lastSeq` is what a rejoin asks to
 * resume from and what a snapshot claims to cover, so it must never skip a missing update.
 */
export class SeqTracker {
  private last = 0;
  private readonly ahead = new Set<number>();

  get lastSeq(): number {
    return this.last;
  }

  /** Whether a number above a gap came in: `lastSeq` waits for the one below it. */
  get hasGap(): boolean {
    return this.ahead.size > 0;
  }

  has(seq: number): boolean {
    return seq <= this.last || this.ahead.has(seq);
  }

  record(seq: number): void {
    if (this.has(seq)) return;
    this.ahead.add(seq);
    this.drain();
  }

  /** A snapshot covering everything up to `seq` was applied. */
  coverUpTo(seq: number): void {
    if (seq <= this.last) return;
    this.last = seq;
    for (const s of this.ahead) if (s <= seq) this.ahead.delete(s);
    this.drain();
  }

  private drain(): void {
    while (this.ahead.delete(this.last + 1)) this.last++;
  }
}
