import { toBase64Url, type LocalVault } from '../crypto';

/** The part of the browser's Web Locks (`navigator.locks`) kept records use. */
export type Locks = Pick<LockManager, 'request'>;

export interface KeptRecordOptions {
  /** This profile's vault; null (no IndexedDB) keeps nothing. */
  vault: Promise<LocalVault | null>;
  /** The records' name in the vault, e.g. `{roomId}/edits`: each tab keeps its own, `{name}/{tab}`. */
  name: string;
  /** What to keep now; null when there is nothing left to keep (the record is then deleted). */
  snapshot: () => Uint8Array | null;
  report: (message: string) => void;
  /** Changes are gathered this long before a write. */
  delayMs?: number;
  /**
   * Which tabs are still open: each holds the lock of its own record while it lives. Defaults to
   * the browser's; without any, every other tab's record counts as left behind (its work may then
   * go out twice, which the server's message ids and the document's merge both absorb).
   */
  locks?: Locks | null;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const lockOf = (record: string) => `parley-kept|${record}`;

/**
 * Holds the lock until the returned function is called; null when another tab holds it. A lock the
 * browser will not give (a failed request) counts as free, as without Web Locks.
 */
function hold(locks: Locks | null, name: string): Promise<(() => void) | null> {
  const free = () => {};
  if (!locks) return Promise.resolve(free);
  return new Promise((resolve) => {
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (!lock) return resolve(null);
        return new Promise<void>((release) => resolve(release));
      })
      .catch(() => resolve(free));
  });
}

/** Another tab's record this one took over: its lock is held until the record is gone or this tab stops. */
interface Adopted {
  name: string;
  release: () => void;
}

/**
 * One tab's record of undelivered work, kept in the vault as it changes: writes are gathered
 * briefly and go one at a time, each with the newest snapshot, so an older state never lands after
 * a newer one. Each tab writes a record of its own, so two tabs of one room never overwrite each
 * other's work. On load a tab takes over the records of tabs that are gone (their lock is free) and
 * deletes them once its own record holds their work. A hidden or closing page writes at once
 * (`pagehide`, `visibilitychange`).
 */
export class KeptRecord {
  private readonly record: string;
  private readonly locks: Locks | null;
  private loaded = false;
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The room is over for this browser: nothing is kept any more. */
  private forgotten = false;
  private releaseOwn: (() => void) | null = null;
  /** Read by load, not yet taken by the caller. */
  private adopted: Adopted[] = [];
  /** Taken by the caller: deleted after the next write of this tab's record. */
  private covering: Adopted[] = [];

  constructor(private readonly options: KeptRecordOptions) {
    this.record = `${options.name}/${toBase64Url(crypto.getRandomValues(new Uint8Array(12)))}`;
    this.locks = options.locks === undefined ? (globalThis.navigator?.locks ?? null) : options.locks;
    globalThis.addEventListener?.('pagehide', this.flush);
    globalThis.addEventListener?.('visibilitychange', this.flush);
  }

  /**
   * What tabs that are gone left (a record that cannot be opened is reported and deleted). Writes
   * may start after it; call {@link taken} once their work is restored, so their records can go.
   */
  async load(): Promise<Uint8Array[]> {
    const { vault, name, report } = this.options;
    const store = await vault;
    if (!store) {
      this.loaded = true; // nothing is kept, so there is nothing to take over or to guard
      return [];
    }
    // Before this tab writes anything: another tab must never take this one's record for a closed tab's.
    this.releaseOwn = await hold(this.locks, lockOf(this.record));
    const found: Uint8Array[] = [];
    let others: string[] = [];
    try {
      // This tab's own record is written only after load: every one found is another tab's.
      others = (await store.names(name)).filter((n) => n === name || n.startsWith(`${name}/`));
    } catch (error) {
      report(`Could not open the unsent work kept in this browser: ${messageOf(error)}`);
    }
    for (const other of others) {
      const release = await hold(this.locks, lockOf(other));
      if (!release) continue; // an open tab's: it delivers its own
      try {
        const bytes = await store.read(other);
        if (!bytes) {
          release();
          continue;
        }
        found.push(bytes);
        this.adopted.push({ name: other, release });
      } catch (error) {
        report(`Could not open the unsent work kept in this browser: ${messageOf(error)}`);
        await store.remove(other).catch(() => {});
        release();
      }
    }
    this.loaded = true;
    if (this.forgotten) await this.forget();
    if (this.stopped) this.releaseAll();
    else if (this.dirty) void this.flush();
    return this.forgotten ? [] : found;
  }

  /** The caller restored what {@link load} returned: this tab's next write keeps it, and then the records it came from go. */
  taken(): void {
    this.covering.push(...this.adopted.splice(0));
    this.changed();
  }

  /**
   * The room is over for this browser (removed, ended, left): this tab's record and those it took
   * over are deleted, now or as soon as they have been read, and nothing is kept from now on.
   */
  forget(): Promise<void> {
    this.forgotten = true;
    this.dirty = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.covering.push(...this.adopted.splice(0));
    // After a write under way, so that it cannot bring the record back.
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  /** The work changed: keep its new state shortly. */
  changed(): void {
    if (this.stopped || this.forgotten) return;
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

  /** Stops listening; what changed last is still written. Records taken over but not yet covered stay for a later visit. */
  async stop(): Promise<void> {
    globalThis.removeEventListener?.('pagehide', this.flush);
    globalThis.removeEventListener?.('visibilitychange', this.flush);
    const last = this.flush();
    this.stopped = true;
    await last;
    if (this.loaded) this.releaseAll();
  }

  private releaseAll(): void {
    for (const { release } of [...this.adopted.splice(0), ...this.covering.splice(0)]) release();
    this.releaseOwn?.();
    this.releaseOwn = null;
  }

  private async write(): Promise<void> {
    const { vault, snapshot } = this.options;
    const covered = this.covering.splice(0);
    try {
      const store = await vault;
      // One transaction: the work taken over is in this tab's record the moment the others go
      // (once the room is over, all of them go).
      await store?.replace(this.record, this.forgotten ? null : snapshot(), covered.map((c) => c.name));
      for (const { release } of covered) release();
    } catch (error) {
      this.covering.unshift(...covered); // deleted after a later write, or left for a later visit
      this.options.report(`Could not ${this.forgotten ? 'delete the unsent work kept' : 'keep the unsent work'} in this browser: ${messageOf(error)}`);
    }
  }
}
