// The file manager's rules of the server (docs/protocol.md, "File manager"), in memory, for
// FakeRelay: entries ordered by id, versions, meta-only writes, deletes, the activity log and the
// EntriesChanged / EntriesDeleted events. Unit tests only.
import type { Abilities } from '../abilities';
import { LIMITS } from '../limits';
import type { ActivityEvent, ActivityPage, Entry, EntryPage, EntryWrite, Envelope } from '../protocol';
import type { TransportEvents } from '../transport';
import { hubRefusal } from './hubRefusal';

/** What FakeEntries needs of the relay around it. */
export interface FakeEntriesHost {
  readonly roomId: string;
  creator(): string | null;
  abilities(): Abilities;
  /** The epoch check every stored envelope passes (FakeKeys.checkEpoch). */
  checkEpoch(method: string, envelope: Envelope): void;
  /** To every joined connection, the caller's included. */
  send(deliver: (listener: Partial<TransportEvents>) => void): void;
}

const MAX_META_BYTES = LIMITS.maxMetaBytes;

export class FakeEntries {
  readonly entries = new Map<string, Entry>();
  readonly activity: ActivityEvent[] = [];
  /** Blobs a new version or a delete removed, in order. */
  readonly deletedBlobs: string[] = [];
  readonly putCalls: { sender: string; write: EntryWrite }[] = [];
  /** Whether a fileId is a completed upload of the room; every id passes unless a test says otherwise. */
  fileIsComplete: (fileId: string) => boolean = () => true;
  /** The plaintext size of an upload, as the file endpoints know it. */
  fileSize: (fileId: string) => number = () => 0;
  private nextId = 1;
  private clock = 1_700_000_000_000;

  constructor(private readonly host: FakeEntriesHost) {}

  /** Appends to the activity log, as the server does for joins, leaves, kicks and entry changes. */
  record(memberId: string, action: string, entryId: string | null = null, fileId: string | null = null): void {
    this.activity.push({ seq: this.activity.length + 1, at: this.tick(), memberId, action, entryId, fileId });
  }

  list(afterEntryId: string | null, limit: number): EntryPage {
    if (limit < 1 || limit > LIMITS.entriesMaxPage) throw hubRefusal('ListEntries', 'page-invalid', `Invalid page size: ${limit}`);
    const sorted = [...this.entries.values()].sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
    const after = afterEntryId === null ? sorted : sorted.filter((e) => e.entryId > afterEntryId);
    return { entries: after.slice(0, limit), more: after.length > limit };
  }

  put(caller: string, write: EntryWrite): Entry {
    this.putCalls.push({ sender: caller, write });
    this.requireShareFiles('PutEntry');
    this.host.checkEpoch('PutEntry', write.meta);
    if (write.meta.ciphertext.length > MAX_META_BYTES) throw hubRefusal('PutEntry', 'envelope-too-large', `Envelope too large: ${write.meta.ciphertext.length} bytes`);
    if (write.fileId !== null) this.checkFile(write.fileId);
    const now = this.tick();
    let entry: Entry;
    if (write.entryId === null) {
      const entryId = `entry-${String(this.nextId++).padStart(6, '0')}`;
      entry = { entryId, fileId: write.fileId, version: 1, size: 0, uploader: caller, updatedBy: caller, createdAt: now, updatedAt: now, meta: write.meta };
      this.record(caller, write.fileId ? 'uploaded' : 'folder', entryId, write.fileId);
    } else {
      const known = this.entries.get(write.entryId);
      if (!known) throw hubRefusal('PutEntry', 'entry-unknown', 'No such entry in this room.');
      if (known.version !== write.expectedVersion) {
        throw hubRefusal('PutEntry', 'entry-stale', `Stale entry: version ${known.version}, not ${write.expectedVersion}`);
      }
      const newVersion = write.fileId !== null;
      entry = { ...known, meta: write.meta, updatedBy: caller, updatedAt: now };
      if (newVersion) {
        if (known.fileId) this.deletedBlobs.push(known.fileId);
        entry = { ...entry, fileId: write.fileId, version: known.version + 1 };
      }
      this.record(caller, newVersion ? 'updated' : 'renamed', entry.entryId, entry.fileId);
    }
    entry.size = write.fileId ? this.fileSize(write.fileId) : entry.size;
    this.entries.set(entry.entryId, entry);
    this.host.send((l) => l.entriesChanged?.(this.host.roomId, [entry]));
    return entry;
  }

  delete(caller: string, entryIds: string[]): number {
    this.requireShareFiles('DeleteEntries');
    if (entryIds.length < 1 || entryIds.length > LIMITS.maxEntryDeletes) throw hubRefusal('DeleteEntries', 'entry-ids-invalid', `Invalid entry ids: ${entryIds.length}`);
    const gone: string[] = [];
    for (const id of entryIds) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      this.entries.delete(id);
      if (entry.fileId) this.deletedBlobs.push(entry.fileId);
      this.record(caller, 'deleted', id, entry.fileId);
      gone.push(id);
    }
    if (gone.length > 0) this.host.send((l) => l.entriesDeleted?.(this.host.roomId, gone));
    return gone.length;
  }

  log(caller: string, beforeSeq: number, limit: number): ActivityPage {
    if (caller !== this.host.creator()) throw hubRefusal('ActivityLog', 'not-creator', "Only the room's creator can do that.");
    if (limit < 1 || limit > LIMITS.activityMaxPage) throw hubRefusal('ActivityLog', 'page-invalid', `Invalid page size: ${limit}`);
    const older = this.activity.filter((e) => beforeSeq === 0 || e.seq < beforeSeq).reverse();
    return { events: older.slice(0, limit), more: older.length > limit };
  }


  private checkFile(fileId: string): void {
    if (!this.fileIsComplete(fileId)) throw hubRefusal('PutEntry', 'file-unusable', 'Unusable file: not a completed upload of this room');
    if ([...this.entries.values()].some((e) => e.fileId === fileId)) throw hubRefusal('PutEntry', 'file-unusable', 'Unusable file: an entry already holds it.');
  }

  private requireShareFiles(method: string): void {
    if (!this.host.abilities().shareFiles) throw hubRefusal(method, 'sign-in-to-share-files', 'Sign in to share files.');
  }

  private tick(): number {
    return (this.clock += 1000);
  }
}
