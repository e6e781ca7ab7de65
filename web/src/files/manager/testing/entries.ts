// Entries with their metas already read, for tests of the tree, plans and zips.
import type { Entry } from '../../../wire/protocol';
import type { RoomEntry } from '../fileTree';

let next = 1;
const envelope = { epoch: 0, iv: new Uint8Array(12), ciphertext: new Uint8Array(16) };

export function entry(extra: Partial<Entry> = {}): Entry {
  const entryId = extra.entryId ?? `e${String(next++).padStart(4, '0')}`;
  return { entryId, fileId: null, version: 1, size: 0, uploader: 'm1', updatedBy: 'm1', createdAt: 1000, updatedAt: 1000, meta: envelope, ...extra };
}

export function fileAt(path: string, size = 10, extra: Partial<Entry> = {}, key = 'k'.repeat(43)): RoomEntry {
  const e = entry({ fileId: `f-${path}`, size, ...extra });
  return { entry: e, meta: { kind: 'file', path: path.split('/'), type: 'text/plain', size, key }, problem: null };
}

export function folderAt(path: string, extra: Partial<Entry> = {}): RoomEntry {
  return { entry: entry(extra), meta: { kind: 'folder', path: path.split('/'), type: null, size: null, key: null }, problem: null };
}

export function locked(problem: 'no-key' | 'unreadable' = 'no-key', extra: Partial<Entry> = {}): RoomEntry {
  return { entry: entry({ fileId: 'f-locked', size: 5, ...extra }), meta: null, problem };
}
