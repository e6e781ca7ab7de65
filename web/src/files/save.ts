import type { DownloadTask } from './downloader';
import { CancelledError } from './transfer';

/**
 * Above this size a download streams straight to disk where the browser lets us (File System
 * Access API), so a file far larger than memory never sits in it. Below it, the ordinary browser
 * download (a Blob) is friendlier: no save dialog, and the file lands in Downloads.
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
  // Typed as opaque bytes so the browser saves rather than renders it: a blob URL shares our origin.
  const blob = await task.toBlob('application/octet-stream');
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
