// The room's activity log (creator only): the server records who did what and when, never a name;
// names come from the entries' meta as this browser reads them now.
import { Value } from '../../state/value';
import { type ActivityEvent, type ActivityPage } from '../../wire/protocol';
import { errorText } from '../../wire/refusalWords';
import type { RoomEntry } from './fileTree';
import { pathLabel } from './names';

export const DELETED_FILE = 'a deleted file';

export interface ActivityNames {
  /** A member's display name (or a short form of the id). */
  member(memberId: string): string;
  /** The entry as it is now, if it still exists: by id, else by the blob it points at. */
  entry(entryId: string | null, fileId: string | null): RoomEntry | undefined;
}

function entryName(item: RoomEntry | undefined): string {
  if (!item) return DELETED_FILE;
  if (!item.meta) return 'an encrypted file (no key)';
  return item.meta.kind === 'folder' ? `${pathLabel(item.meta.path)}/` : pathLabel(item.meta.path);
}

/** One line of the log in words: "Ann uploaded docs/report.pdf". */
export function describeActivity(event: ActivityEvent, names: ActivityNames): string {
  const who = names.member(event.memberId);
  const what = () => entryName(names.entry(event.entryId, event.fileId));
  switch (event.action) {
    case 'joined':
      return `${who} joined the room`;
    case 'left':
      return `${who} left the room`;
    case 'kicked':
      return `${who} was removed from the room`;
    case 'uploaded':
      return `${who} uploaded ${what()}`;
    case 'folder':
      return `${who} made the folder ${what()}`;
    case 'updated':
      return `${who} uploaded a new version of ${what()}`;
    case 'renamed':
      return `${who} renamed or moved ${what()}`;
    case 'deleted':
      return `${who} deleted a file or folder`; // its name went with it
    case 'downloaded':
      return `${who} downloaded ${what()}`;
    default:
      return `${who}: ${event.action}`;
  }
}

/** The log in pages, newest first: the newest page on `refresh`, older ones on `older`. */
export class ActivityLog {
  readonly events = new Value<readonly ActivityEvent[]>([]);
  readonly more = new Value(false);
  readonly loading = new Value(false);
  readonly error = new Value<string | null>(null);

  constructor(
    private readonly load: (beforeSeq: number, limit: number) => Promise<ActivityPage>,
    private readonly pageSize = 50,
  ) {}

  refresh(): Promise<void> {
    return this.fetch(0, true);
  }

  older(): Promise<void> {
    const oldest = this.events.get().at(-1);
    return oldest ? this.fetch(oldest.seq, false) : this.refresh();
  }

  private async fetch(beforeSeq: number, replace: boolean): Promise<void> {
    if (this.loading.get()) return;
    this.loading.set(true);
    try {
      const page = await this.load(beforeSeq, this.pageSize);
      const known = replace ? [] : this.events.get();
      const seqs = new Set(known.map((e) => e.seq));
      this.events.set([...known, ...page.events.filter((e) => !seqs.has(e.seq))].sort((a, b) => b.seq - a.seq));
      this.more.set(page.more);
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not load the activity log: ${errorText(error)}`);
    } finally {
      this.loading.set(false);
    }
  }
}
