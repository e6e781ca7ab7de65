// Zip downloads built in the browser: each file is fetched and decrypted as a stream, one after
// the other, straight into the archive (client-zip: stored, not compressed, Zip64 when needed), and
// the archive streams to disk (File System Access API) or to a browser download through our service
// worker (streamDownload.ts). Memory holds about one chunk per step, whatever the zip's size.
import { makeZip } from 'client-zip';
import { Value } from '../../state/value';
import { DownloadTask } from '../downloader';
import type { FileApi } from '../fileApi';
import { saveStream } from '../streamDownload';
import { CancelledError, isAbort, type Transfer, type TransferProgress, type TransferState } from '../transfer';
import { entriesUnder, topmost, type TreeNode } from './fileTree';
import { pathKey, UniqueNames, zipPath } from './names';

export interface ZipItem {
  /** Relative to what was picked: picking `docs/` gives `docs/a.txt`, picking `docs/a.txt` gives `a.txt`. */
  path: string[];
  kind: 'file' | 'folder';
  updatedAt: number;
  /** Files only. */
  file: { fileId: string; key: string; size: number } | null;
}

/** What a zip of these nodes holds: folders (empty ones too) and files, parents before children; unreadable entries are left out. */
export function zipItems(nodes: readonly TreeNode[]): ZipItem[] {
  const items: ZipItem[] = [];
  const seen = new Set<string>();
  const folders = { claim: (path: string[]) => !seen.has(pathKey(path)) && !!seen.add(pathKey(path)) };
  for (const node of topmost(nodes)) {
    const base = node.path.length - 1;
    if (node.kind === 'folder' && folders.claim(node.path)) items.push({ path: node.path.slice(base), kind: 'folder', updatedAt: node.updatedAt, file: null });
    const inside = node.kind === 'folder' ? entriesUnder(node).filter((i) => !node.entries.includes(i)) : entriesUnder(node);
    const sorted = inside.flatMap((i) => (i.meta ? [{ meta: i.meta, entry: i.entry }] : [])).sort((a, b) => a.meta.path.length - b.meta.path.length);
    for (const { meta, entry } of sorted) {
      if (meta.kind === 'folder' && !folders.claim(meta.path)) continue; // two entries for one folder: one zip folder
      const file = meta.kind === 'file' && entry.fileId && meta.key ? { fileId: entry.fileId, key: meta.key, size: meta.size ?? 0 } : null;
      if (meta.kind === 'file' && !file) continue;
      items.push({ path: meta.path.slice(base), kind: meta.kind, updatedAt: entry.updatedAt, file });
    }
  }
  return items;
}

/** The names the archive uses: sanitized (zipPath) and made unique, in the items' order. */
export function zipNames(items: readonly ZipItem[]): string[] {
  const unique = new UniqueNames();
  return items.map((item) => unique.claim(zipPath(item.path, item.kind === 'folder' ? 'folder' : 'file')));
}

/**
 * A decrypted file as a pull stream: the download starts when the zip first asks for it and runs
 * at most a chunk ahead of what the zip has taken.
 */
async function* decrypted(api: FileApi, file: NonNullable<ZipItem['file']>, signal: AbortSignal, onBytes: (n: number) => void) {
  const task = new DownloadTask(api, { ...file, name: file.fileId });
  const stop = () => task.cancel();
  signal.addEventListener('abort', stop, { once: true });
  const { readable, writable } = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>();
  const writer = writable.getWriter();
  // Settles by itself: a zip that stops early cancels the download (finally, below).
  void task.run({ write: (piece) => writer.write(piece) }).then(
    () => writer.close().catch(() => {}),
    (error: unknown) => writer.abort(error).catch(() => {}),
  );
  const reader = readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onBytes(value.length);
      yield value;
    }
  } finally {
    signal.removeEventListener('abort', stop);
    task.cancel(); // the zip stopped early: the download stops too
    void reader.cancel().catch(() => {});
  }
}

/** The zip of `items` as a stream; `onBytes` counts plaintext bytes as they go in. */
export function zipStream(api: FileApi, items: readonly ZipItem[], signal: AbortSignal, onBytes: (n: number) => void = () => {}): ReadableStream<Uint8Array> {
  const names = zipNames(items);
  async function* entries() {
    for (const [i, item] of items.entries()) {
      if (signal.aborted) throw new CancelledError();
      const lastModified = new Date(item.updatedAt);
      if (item.file) yield { name: names[i], lastModified, size: item.file.size, input: decrypted(api, item.file, signal, onBytes) };
      else yield { name: names[i], lastModified };
    }
  }
  return makeZip(entries());
}

interface WritableFile {
  createWritable(): Promise<WritableStream<Uint8Array>>;
}
type SaveFilePicker = (options: { suggestedName: string; types?: unknown[] }) => Promise<WritableFile>;
const savePicker = () => (globalThis as unknown as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;

/** One zip download: progress in plaintext bytes, cancel, and where it is saved. */
export class ZipDownload implements Transfer {
  readonly size: number;
  readonly progress: Value<TransferProgress>;
  readonly state = new Value<TransferState>('waiting');
  readonly error = new Value<string | null>(null);
  /** Becomes true when this browser can stream neither to disk nor through our service worker, so the zip is built in memory. */
  readonly inMemory = new Value(false);
  private readonly abort = new AbortController();

  constructor(
    private readonly api: FileApi,
    readonly name: string,
    private readonly items: readonly ZipItem[],
  ) {
    this.size = items.reduce((n, i) => n + (i.file?.size ?? 0), 0);
    this.progress = new Value({ done: 0, total: this.size });
  }

  cancel(): void {
    if (this.state.get() === 'done' || this.state.get() === 'cancelled') return;
    this.state.set('cancelled');
    this.abort.abort();
  }

  /** Call straight from the click: the save dialog needs its user activation. */
  async save(): Promise<void> {
    const picker = savePicker();
    try {
      if (picker) {
        let handle: WritableFile;
        try {
          handle = await picker({ suggestedName: this.name });
        } catch {
          throw new CancelledError(); // the person closed the dialog
        }
        this.state.set('running');
        await this.stream().pipeTo(await handle.createWritable(), { signal: this.abort.signal });
      } else {
        this.state.set('running');
        // No save dialog here: a browser download fed as the zip is built, or a Blob where it cannot be.
        await saveStream(this.stream(), {
          name: this.name,
          size: null,
          contentType: 'application/zip',
          signal: this.abort.signal,
          onInMemory: () => this.inMemory.set(true),
        });
      }
      this.state.set('done');
    } catch (error) {
      if (this.state.get() === 'cancelled' || isAbort(error)) {
        this.state.set('cancelled');
        this.abort.abort(); // cancelled in the browser's downloads: stop every file still being fetched
        return;
      }
      this.state.set('failed');
      this.error.set(error instanceof Error ? error.message : String(error));
    }
  }

  private stream(): ReadableStream<Uint8Array> {
    let done = 0;
    return zipStream(this.api, this.items, this.abort.signal, (n) => this.progress.set({ done: (done += n), total: this.size }));
  }
}
