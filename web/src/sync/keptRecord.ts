import type { LocalVault } from '../crypto';

export interface KeptRecordOptions {
  /** This profile's vault; null (no IndexedDB) keeps nothing. */
  vault: Promise<LocalVault | null>;
  /** The record's name in the vault, e.g. `{roomId}/edits`. */
  name: string;
  /** What to keep now; null when there is nothing left to keep (the record is then deleted). */
  snapshot: () => Uint8Array | null;
  report: (message: string) => void;
  /** Changes are gathered this long before a write. */
  delayMs?: number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * One record of undelivered work, kept in the vault as it changes: writes are gathered briefly and
 * go one at a time, each with the newest snapshot, so an older state never lands after a newer
 * one. Nothing is written before the record was read once: a write first would overwrite what an
 * earlier visit left. A hidden or closing page writes at once (`pagehide`, `visibilitychange`).
 */
export class KeptRecord {
  private loaded = false;
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: KeptRecordOptions) {
    globalThis.addEventListener?.('pagehide', this.flush);
    globalThis.addEventListener?.('visibilitychange', this.flush);
  }

  /** What an earlier visit left (null if nothing, or if it could not be opened, which is then deleted). Writes may start after it. */
  async load(): Promise<Uint8Array | null> {
    const { vault, name } = this.options;
    let kept: Uint8Array | null = null;
    const store = await vault;
    try {
      kept = (await store?.read(name)) ?? null;
    } catch (error) {
      this.options.report(`Could not open the unsent work kept in this browser: ${messageOf(error)}`);
      await store?.remove(name).catch(() => {});
    }
    this.loaded = true;
    if (this.dirty) this.flush();
    return kept;
  }

  /** The work changed: keep its new state shortly. */
  changed(): void {
    if (this.stopped) return;
    this.dirty = true;
    if (this.loaded) this.timer ??= setTimeout(this.flush, this.options.delayMs ?? 150);
  }

  /** Writes now what changed; resolves once every write so far has landed. */
  readonly flush = (): Promise<void> => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.loaded && this.dirty) {
      this.dirty = false;
      this.writing = this.writing.then(() => this.write());
    }
    return this.writing;
  };

  /** Stops listening; what changed last is still written. */
  stop(): Promise<void> {
    globalThis.removeEventListener?.('pagehide', this.flush);
    globalThis.removeEventListener?.('visibilitychange', this.flush);
    const last = this.flush();
    this.stopped = true;
    return last;
  }

  private async write(): Promise<void> {
    const { vault, name, snapshot } = this.options;
    try {
      const store = await vault;
      const bytes = snapshot();
      await (bytes ? store?.write(name, bytes) : store?.remove(name));
    } catch (error) {
      this.options.report(`Could not keep the unsent work in this browser: ${messageOf(error)}`);
    }
  }
}
