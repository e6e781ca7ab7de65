// Files as the browser hands them over, turned into paths below the upload's destination: the
// file picker (flat), the folder picker (`webkitRelativePath`), and drag and drop, whose folders
// are walked through the File and Directory Entries API (`webkitGetAsEntry`) so the tree is kept,
// empty folders included.
import type { PickedFile } from './uploadPlan';

/** From `<input type="file" multiple>` or `<input type="file" webkitdirectory>`. */
export function pickedFromInput(files: Iterable<File>): PickedFile[] {
  return [...files].map((file) => {
    const relative = file.webkitRelativePath || file.name;
    return { file, path: relative.split('/').filter((s) => s !== '') };
  });
}

/** The parts of FileSystemEntry the walk uses (a test hands in plain objects of this shape). */
export interface DroppedEntry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
  file?(success: (file: File) => void, failure?: (error: unknown) => void): void;
  createReader?(): { readEntries(success: (entries: DroppedEntry[]) => void, failure?: (error: unknown) => void): void };
}

export interface Dropped {
  files: PickedFile[];
  /** Folders with nothing in them: they are made as folder entries too. */
  folders: string[][];
}

/**
 * The entries of a drop, taken synchronously in the drop handler: the browser empties the
 * DataTransfer once the handler returns. Null when the browser has no entries API.
 */
export function dropEntries(transfer: DataTransfer): DroppedEntry[] | null {
  const items = [...transfer.items].filter((item) => item.kind === 'file');
  if (items.length === 0 || typeof items[0].webkitGetAsEntry !== 'function') return null;
  return items.map((item) => item.webkitGetAsEntry() as DroppedEntry | null).filter((e): e is DroppedEntry => e !== null);
}

/** Walks dropped files and folders, depth first. */
export async function walkDropped(entries: readonly DroppedEntry[]): Promise<Dropped> {
  const out: Dropped = { files: [], folders: [] };
  for (const entry of entries) await walk(entry, [], out);
  return out;
}

async function walk(entry: DroppedEntry, parent: string[], out: Dropped): Promise<void> {
  const path = [...parent, entry.name];
  if (entry.isFile && entry.file) {
    const read = entry.file.bind(entry);
    out.files.push({ file: await new Promise<File>((resolve, reject) => read(resolve, reject)), path });
    return;
  }
  if (!entry.isDirectory || !entry.createReader) return;
  const children = await readAll(entry.createReader());
  if (children.length === 0) out.folders.push(path);
  for (const child of children) await walk(child, path, out);
}

/** readEntries hands out a directory in batches (about a hundred in Chromium) until one is empty. */
async function readAll(reader: ReturnType<NonNullable<DroppedEntry['createReader']>>): Promise<DroppedEntry[]> {
  const all: DroppedEntry[] = [];
  for (;;) {
    const batch = await new Promise<DroppedEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}
