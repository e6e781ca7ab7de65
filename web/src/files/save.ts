import type { DownloadTask } from './downloader';
import { saveBlob, saveStream } from './streamDownload';
import { CancelledError } from './transfer';

/**
 * Above this size a download streams: straight to disk where the browser lets us (File System
 * Access API), else through our download service worker, so a file far larger than memory never
 * sits in it. Below it, the ordinary browser download (a Blob) is friendlier: no save dialog.
 */
export const STREAM_TO_DISK_ABOVE = 64 * 1024 * 1024;

interface SaveFilePicker {
  (options: { suggestedName: string }): Promise<{ createWritable(): Promise<WritableStreamLike> }>;
}
interface WritableStreamLike {
  write(data: Uint8Array<ArrayBuffer>): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

const savePicker = (): SaveFilePicker | undefined =>
  (globalThis as unknown as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;

/**
 * Saves a decrypted attachment. Must be called straight from the click: the save dialog needs the
 * click's user activation, which the first `await` elsewhere would use up.
 */
export async function saveDownload(task: DownloadTask, name: string): Promise<void> {
  const picker = savePicker();
  if (picker && task.size > STREAM_TO_DISK_ABOVE) {
    let handle;
    try {
      handle = await picker({ suggestedName: name });
    } catch {
      task.cancel(); // the person closed the dialog
      throw new CancelledError();
    }
    const writable = await handle.createWritable();
    try {
      await task.run({ write: (piece) => writable.write(piece) });
      await writable.close();
    } catch (error) {
      await writable.abort().catch(() => {});
      throw error;
    }
    return;
  }
  if (task.size > STREAM_TO_DISK_ABOVE) {
    // No save dialog here: the browser's own download, fed as the file decrypts (streamDownload.ts).
    await saveStream(taskStream(task), { name, size: task.size, contentType: 'application/octet-stream' });
    return;
  }
  // Typed as opaque bytes so the browser saves rather than renders it: a blob URL shares our origin.
  saveBlob(await task.toBlob('application/octet-stream'), name, 'application/octet-stream');
}

/** The task's plaintext as a pull stream: decryption runs at most a chunk ahead of the reader. */
function taskStream(task: DownloadTask): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  task.run({ write: (piece) => writer.write(piece) }).then(
    () => writer.close().catch(() => {}),
    (error: unknown) => writer.abort(error).catch(() => {}),
  );
  const reader = readable.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        task.cancel(); // the browser's download was cancelled: stop fetching
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
