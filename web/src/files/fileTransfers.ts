import { SIGN_IN_TO_SHARE_FILES } from '../accounts/abilities';
import type { Attachment } from './attachment';
import { DownloadTask } from './downloader';
import type { FileApi, Limits } from './fileApi';
import { makeThumbnail } from './media';
import { saveDownload } from './save';
import { sizeProblem, UploadTask } from './uploader';

export interface Preview {
  /** Resolves to an object URL of the decrypted file; rejects if it fails or is cancelled. */
  url: Promise<string>;
  /** The download behind it, for progress and cancel; null when the file is local. */
  task: DownloadTask | null;
}

type Previewable = Pick<Attachment, 'fileId' | 'key' | 'type'> & { size?: number; name?: string };

/**
 * The room's file transfers for the UI: attaches files (size check first), remembers this
 * browser's own uploads so they preview without a round trip, and caches decrypted previews as
 * object URLs until the room closes.
 */
export class FileTransfers {
  private readonly uploads = new Set<UploadTask>();
  private readonly local = new Map<string, Blob>();
  private readonly previews = new Map<string, Preview>();
  private readonly urls = new Set<string>();

  /** @param mayShare whether the access policy lets this member share files (the server checks too). */
  constructor(
    readonly api: FileApi,
    private readonly mayShare: () => boolean = () => true,
  ) {}

  /**
   * Checks every file against the server's limit before anything is uploaded, then starts the
   * uploads of those within it. Returns the tasks and a sentence for each refused file.
   */
  async attach(files: readonly File[]): Promise<{ tasks: UploadTask[]; refused: string[] }> {
    if (!this.mayShare()) return { tasks: [], refused: [`${SIGN_IN_TO_SHARE_FILES}.`] };
    let limits: Limits | null = null;
    try {
      limits = await this.api.limits();
    } catch {
      // Unknown limit (server unreachable): the server still refuses an oversized file with 413.
    }
    const tasks: UploadTask[] = [];
    const refused: string[] = [];
    for (const file of files) {
      const name = file.name || 'pasted file';
      const problem = limits && sizeProblem(name, file.size, limits);
      if (problem) {
        refused.push(problem);
        continue;
      }
      const task = new UploadTask(file, name, { api: this.api, makeThumbnail });
      this.uploads.add(task);
      task.upload().then(
        (done) => done && this.local.set(done.fileId, file),
        () => {}, // shown by the task's own state; Retry on the message resumes it
      );
      tasks.push(task);
    }
    return { tasks, refused };
  }

  /** Decrypts into an object URL once per file; own uploads use the local copy. */
  preview(file: Previewable): Preview {
    const cached = this.previews.get(file.fileId);
    if (cached) return cached;
    const local = this.local.get(file.fileId);
    const task = local ? null : new DownloadTask(this.api, { ...file, name: file.name ?? 'preview' });
    const blob = local ? Promise.resolve(new Blob([local], { type: file.type })) : task!.toBlob(file.type);
    const preview: Preview = {
      task,
      url: blob.then((b) => {
        const url = URL.createObjectURL(b);
        this.urls.add(url);
        return url;
      }),
    };
    preview.url.catch(() => this.previews.delete(file.fileId)); // a failed or cancelled one may be tried again
    this.previews.set(file.fileId, preview);
    return preview;
  }

  /** Starts a download to disk; call straight from the click (see saveDownload). */
  download(attachment: Attachment): { task: DownloadTask; done: Promise<void> } {
    const task = new DownloadTask(this.api, attachment);
    return { task, done: saveDownload(task, attachment.name) };
  }

  destroy(): void {
    for (const task of this.uploads) if (task.state.get() !== 'done') task.cancel();
    for (const preview of this.previews.values()) preview.task?.cancel();
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.previews.clear();
    this.urls.clear();
  }
}
