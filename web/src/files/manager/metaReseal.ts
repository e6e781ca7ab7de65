// After a key rotation, entries keep their meta under the old epoch. The browser that rotated
// re-seals every one under the new epoch (meta only), so that members who hold only the new key
// (joined later, history hidden) can read the tree (docs/protocol.md, "File manager").
import type { RoomKeyRing } from '../../crypto';
import { type Entry, type Rotation } from '../../wire/protocol';
import { errorText } from '../../wire/refusalWords';
import { refusalCodeOf } from '../../wire/refusals';
import type { MetaWrite } from './entryEdits';
import { openFileMeta, type FileMeta } from './fileMeta';

export interface ResealResult {
  resealed: number;
  /** Entries this browser holds no key for, or whose meta does not read: they stay as they are. */
  skipped: number;
  failed: string[];
}

/** Whether this browser made the rotation: every grant in it is signed by the rotating member. */
export const rotatedBy = (rotation: Rotation, memberId: string | null) =>
  memberId !== null && rotation.grants.some((g) => g.memberId === memberId && g.granterId === memberId);

/**
 * Re-seals every entry whose meta is older than the ring's current epoch. An entry someone else
 * changed meanwhile (`entry-stale`) was written under the new key by them: nothing to do.
 */
export async function resealEntries(options: {
  roomId: string;
  keys: RoomKeyRing;
  entries: readonly Entry[];
  write: MetaWrite;
  parallel?: number;
}): Promise<ResealResult> {
  const { roomId, keys, write } = options;
  const epoch = keys.currentEpoch;
  const result: ResealResult = { resealed: 0, skipped: 0, failed: [] };
  const queue = options.entries.filter((e) => e.meta.epoch < epoch);
  const worker = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      let meta: FileMeta;
      try {
        meta = await openFileMeta(keys, roomId, entry.updatedBy, entry.meta);
      } catch {
        result.skipped++;
        continue;
      }
      try {
        await write(meta, { entryId: entry.entryId, fileId: null, expectedVersion: entry.version });
        result.resealed++;
      } catch (error) {
        if (refusalCodeOf(error) !== 'entry-stale') result.failed.push(`${entry.entryId}: ${errorText(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 4 }, worker));
  return result;
}
