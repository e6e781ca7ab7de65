import type { RoomKeyRing } from '../../crypto';
import type { Membership } from '../../rooms/memberStore';
import { Value } from '../../state/value';
import { LIMITS } from '../../wire/limits';
import { type Entry } from '../../wire/protocol';
import { errorText } from '../../wire/refusalWords';
import type { RoomTransport } from '../../wire/transport';
import { openFileMeta } from './fileMeta';
import type { RoomEntry } from './fileTree';

export interface EntryListOptions {
  roomId: string;
  transport: RoomTransport;
  keys: RoomKeyRing;
  /** RoomSync's membership: the list loads again after every join (events may have been missed). */
  membership: Value<Membership | null>;
  pageSize?: number;
}

/** Which of two versions of an entry is newer: meta-only writes keep the version, so time decides then. */
const newer = (a: Entry, b: Entry) => a.version > b.version || (a.version === b.version && a.updatedAt >= b.updatedAt);

/**
 * The room's entries as this browser knows them, each with its meta decrypted (or the reason it
 * cannot be). Loads the whole list in pages once asked to (`activate`) and again after every
 * rejoin, and follows EntriesChanged / EntriesDeleted in between. Entries whose key arrives
 * later (a grant of an older epoch) are read again when it does.
 */
export class EntryList {
  readonly items = new Value<ReadonlyMap<string, RoomEntry>>(new Map());
  /** True once a full list has arrived. */
  readonly loaded = new Value(false);
  readonly error = new Value<string | null>(null);
  private readonly raw = new Map<string, Entry>();
  private readonly decrypted = new Map<string, RoomEntry>();
  private active = false;
  private loading: Promise<void> | null = null;
  private generation = 0;
  /** Deleted while a load was under way: the load's older pages must not bring them back. */
  private deletedDuringLoad = new Set<string>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly options: EntryListOptions) {}

  start(): void {
    const { transport, roomId, membership, keys } = this.options;
    this.unsubscribe.push(
      transport.subscribe({
        entriesChanged: (room, entries) => room === roomId && this.apply(entries),
        entriesDeleted: (room, ids) => room === roomId && this.remove(ids),
      }),
      membership.subscribe((m) => m && this.active && void this.load()),
      keys.subscribe(() => this.retryLocked()),
    );
  }

  /** The Files page is showing (or a re-seal needs the list): load it now, and after every rejoin. */
  activate(): Promise<void> {
    this.active = true;
    return this.loading ?? (this.loaded.get() ? Promise.resolve() : this.load());
  }

  destroy(): void {
    this.generation++;
    for (const off of this.unsubscribe) off();
  }

  get(entryId: string): RoomEntry | undefined {
    return this.items.get().get(entryId);
  }

  /** The entry whose current blob is `fileId`. */
  byFileId(fileId: string): RoomEntry | undefined {
    for (const item of this.items.get().values()) if (item.entry.fileId === fileId) return item;
    return undefined;
  }

  /** Loads every page; waits for the connection's join first. */
  load(): Promise<void> {
    const run = this.fetchAll().finally(() => {
      if (this.loading === run) this.loading = null;
    });
    this.loading = run;
    return run;
  }

  /** Takes entries from an event or from this browser's own PutEntry answer; older copies never win. */
  apply(entries: readonly Entry[]): void {
    for (const entry of entries) {
      const known = this.raw.get(entry.entryId);
      // The same write often comes twice (this browser's own answer, then the event): read it once.
      if (known && (!newer(entry, known) || (known.version === entry.version && known.updatedAt === entry.updatedAt))) continue;
      this.raw.set(entry.entryId, entry);
      void this.read(entry);
    }
  }

  remove(entryIds: readonly string[]): void {
    for (const id of entryIds) {
      this.raw.delete(id);
      this.decrypted.delete(id);
      if (this.loading) this.deletedDuringLoad.add(id);
    }
    this.publish();
  }

  private async fetchAll(): Promise<void> {
    const { transport, roomId, membership } = this.options;
    const generation = ++this.generation;
    this.deletedDuringLoad = new Set();
    try {
      await until(membership);
      const listed: Entry[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await transport.listEntries(roomId, after, this.options.pageSize ?? LIMITS.entriesMaxPage);
        listed.push(...page.entries);
        if (!page.more || page.entries.length === 0) break;
        after = page.entries[page.entries.length - 1].entryId;
      }
      if (generation !== this.generation) return;
      const ids = new Set(listed.map((e) => e.entryId));
      // Gone from the server since this browser last looked (deleted while it was offline).
      for (const id of [...this.raw.keys()]) if (!ids.has(id)) (this.raw.delete(id), this.decrypted.delete(id));
      const fresh = listed.filter((e) => !this.deletedDuringLoad.has(e.entryId));
      this.apply(fresh);
      await Promise.all(fresh.map((e) => this.pending.get(e.entryId)));
      this.error.set(null);
      this.loaded.set(true);
      this.publish();
    } catch (error) {
      if (generation === this.generation) this.error.set(`Could not load the room's files: ${errorText(error)}`);
    }
  }

  private readonly pending = new Map<string, Promise<void>>();

  /** Decrypts one entry's meta; a newer copy that arrives meanwhile wins. */
  private read(entry: Entry): Promise<void> {
    const run = this.open(entry).then((item) => {
      if (this.raw.get(entry.entryId) !== entry) return;
      this.decrypted.set(entry.entryId, item);
      this.publishSoon();
    });
    this.pending.set(entry.entryId, run);
    void run.finally(() => this.pending.get(entry.entryId) === run && this.pending.delete(entry.entryId));
    return run;
  }

  private async open(entry: Entry): Promise<RoomEntry> {
    const { keys, roomId } = this.options;
    if (!(await keys.holds(entry.meta.epoch))) return { entry, meta: null, problem: 'no-key' };
    try {
      return { entry, meta: await openFileMeta(keys, roomId, entry.updatedBy, entry.meta), problem: null };
    } catch {
      return { entry, meta: null, problem: 'unreadable' };
    }
  }

  private retryLocked(): void {
    for (const item of this.decrypted.values()) if (item.problem === 'no-key') void this.read(item.entry);
  }

  private scheduled = false;

  /** Many entries decrypt at once on a load: the list is published once per microtask turn, not per entry. */
  private publishSoon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.publish();
    });
  }

  private publish(): void {
    const items = new Map<string, RoomEntry>();
    for (const [id, item] of this.decrypted) if (this.raw.has(id)) items.set(id, item);
    this.items.set(items);
  }
}

/** Resolves once `value` holds something. */
export function until<T>(value: Value<T | null>): Promise<T> {
  const now = value.get();
  if (now !== null) return Promise.resolve(now);
  return new Promise((resolve) => {
    const off = value.subscribe((v) => {
      if (v === null) return;
      off();
      resolve(v);
    });
  });
}
