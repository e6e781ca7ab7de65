import { chunkCountFor, chunkPlainLength, encryptFileChunk, newFileKey, toBase64Url, type FileKey } from '../crypto';
import { Value } from '../state/value';
import { safeFileName, type Attachment, type PendingAttachment, type Thumbnail } from './attachment';
import { FileApiError, isRetryable, type FileApi, type Limits } from './fileApi';
import { CancelledError, formatBytes, isAbort, type TransferProgress, type TransferState } from './transfer';

export interface ThumbnailImage {
  blob: Blob;
  width: number;
  height: number;
}

export interface UploadOptions {
  api: FileApi;
  /** Chunks in flight at once; each holds about two chunk sizes of memory. */
  parallel?: number;
  chunkAttempts?: number;
  retryMs?: number;
  makeThumbnail?: (file: Blob, type: string) => Promise<ThumbnailImage | null>;
}

/** The message shown before anything is uploaded, e.g. "report.pdf is 240 MB; the limit is 100 MB." */
export function sizeProblem(name: string, size: number, limits: Limits): string | null {
  if (size <= limits.maxFileBytes) return null;
  return `${name} is ${formatBytes(size)}; the limit is ${formatBytes(limits.maxFileBytes)}.`;
}

const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(new CancelledError())), { once: true });
  });

/**
 * Uploads one file encrypted under its own key: create, then the chunks (read from the Blob one
 * slice at a time, at most `parallel` in flight, so memory stays bounded whatever the file's
 * size), then complete. `upload()` may be called again after a failure: it asks the server which
 * chunks it has and sends only the rest.
 */
export class UploadTask implements PendingAttachment {
  readonly id = toBase64Url(crypto.getRandomValues(new Uint8Array(9)));
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly progress: Value<TransferProgress>;
  readonly state = new Value<TransferState>('waiting');
  readonly error = new Value<string | null>(null);
  private key: FileKey | null = null;
  private fileId: string | null = null;
  private thumbnail: Thumbnail | null | undefined;
  private thumbnailTask: UploadTask | null = null;
  private thumbnailImage: ThumbnailImage | null = null;
  private running: Promise<Attachment | null> | null = null;
  private result: Attachment | null | undefined;
  private abort = new AbortController();

  constructor(
    readonly file: Blob,
    name: string,
    private readonly options: UploadOptions,
  ) {
    this.name = safeFileName(name);
    this.type = file.type || 'application/octet-stream';
    this.size = file.size;
    this.progress = new Value({ done: 0, total: file.size });
  }

  /** The server's id, once created: own messages use it to show the local file instead of downloading. */
  get uploadedFileId(): string | null {
    return this.fileId;
  }

  upload(): Promise<Attachment | null> {
    if (this.state.get() === 'cancelled') return Promise.resolve(null);
    if (this.result !== undefined) return Promise.resolve(this.result);
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  /** Stops the upload and deletes what reached the server; a message waiting for it goes without it. */
  cancel(): void {
    if (this.state.get() === 'cancelled') return;
    this.state.set('cancelled');
    this.result = null;
    this.abort.abort();
    this.thumbnailTask?.cancel();
    const fileId = this.fileId;
    if (fileId) this.options.api.remove(fileId).catch(() => {}); // best effort: the server also expires orphans
  }

  private async run(): Promise<Attachment | null> {
    if (this.abort.signal.aborted) this.abort = new AbortController();
    const signal = this.abort.signal;
    this.state.set('running');
    this.error.set(null);
    try {
      this.key ??= await newFileKey();
      if (this.thumbnail === undefined) this.thumbnail = await this.uploadThumbnail();
      await this.uploadContent(signal);
      this.result = {
        fileId: this.fileId!,
        key: this.key.text,
        name: this.name,
        type: this.type,
        size: this.size,
        thumbnail: this.thumbnail,
      };
      this.state.set('done');
      return this.result;
    } catch (error) {
      if (this.state.get() === 'cancelled' || isAbort(error)) return null;
      this.state.set('failed');
      this.error.set(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private async uploadContent(signal: AbortSignal): Promise<void> {
    const { api } = this.options;
    let chunkBytes: number;
    let received = new Set<number>();
    if (!this.fileId) {
      const created = await api.create(this.size, signal);
      this.fileId = created.fileId;
      chunkBytes = created.chunkBytes;
      if (this.state.get() === 'cancelled') void api.remove(created.fileId).catch(() => {});
    } else {
      const status = await api.status(this.fileId, signal); // resume: send only what is missing
      if (status.complete) return this.setDone();
      chunkBytes = status.chunkBytes;
      received = new Set(status.received);
    }
    const count = chunkCountFor(this.size, chunkBytes);
    const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !received.has(i));
    this.progress.set({ done: this.size - missing.reduce((n, i) => n + chunkPlainLength(this.size, i, chunkBytes), 0), total: this.size });
    await this.sendChunks(missing, count, chunkBytes, signal);
    try {
      await api.complete(this.fileId, signal);
    } catch (error) {
      // A chunk went missing after all (e.g. a reply that lied); the next try resumes from `received`.
      if (error instanceof FileApiError && error.code === 'file-incomplete') throw new Error('The server is missing part of the file; try again');
      throw error;
    }
    this.setDone();
  }

  private setDone(): void {
    this.progress.set({ done: this.size, total: this.size });
  }

  private async sendChunks(indexes: number[], count: number, chunkBytes: number, outer: AbortSignal): Promise<void> {
    const queue = [...indexes];
    const stop = new AbortController(); // one failed chunk stops its siblings too
    const onAbort = () => stop.abort();
    outer.addEventListener('abort', onAbort, { once: true });
    const failures: unknown[] = []; // the first one stops the siblings, which fail after it
    const worker = async () => {
      for (let i = queue.shift(); i !== undefined && !stop.signal.aborted; i = queue.shift()) {
        try {
          await this.sendChunk(i, count, chunkBytes, stop.signal);
        } catch (error) {
          failures.push(error);
          stop.abort();
          return;
        }
      }
    };
    try {
      // Every sibling settles before the upload reports how it went, so a resume never races a
      // chunk of its own that is still on the wire (and never sends one twice).
      await Promise.all(Array.from({ length: Math.min(this.options.parallel ?? 3, queue.length) }, worker));
      if (outer.aborted) throw new CancelledError();
      if (failures.length > 0) throw failures[0];
    } finally {
      outer.removeEventListener('abort', onAbort);
    }
  }

  private async sendChunk(index: number, count: number, chunkBytes: number, signal: AbortSignal): Promise<void> {
    const start = index * chunkBytes;
    const plain = new Uint8Array(await this.file.slice(start, start + chunkBytes).arrayBuffer());
    const sealed = await encryptFileChunk(this.key!, this.fileId!, index, index === count - 1, plain);
    const attempts = this.options.chunkAttempts ?? 4;
    // Bytes of this chunk on the wire so far, shown before the whole chunk is acknowledged.
    let partial = 0;
    const onProgress = (sent: number) => {
      const now = Math.min(plain.length, sent);
      this.bump(now - partial);
      partial = now;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.api.putChunk(this.fileId!, index, sealed, signal, onProgress);
        break;
      } catch (error) {
        if (error instanceof FileApiError && error.code === 'file-complete') break; // already complete: nothing to add
        this.bump(-partial);
        partial = 0;
        if (isAbort(error) || signal.aborted) throw new CancelledError();
        if (attempt >= attempts || !isRetryable(error)) throw error;
        await wait((this.options.retryMs ?? 500) * 2 ** (attempt - 1), signal);
      }
    }
    this.bump(plain.length - partial);
  }

  private bump(bytes: number): void {
    if (bytes === 0) return;
    const { done, total } = this.progress.get();
    this.progress.set({ done: Math.max(0, done + bytes), total });
  }

  /** A small preview, encrypted and uploaded as its own file. Best effort: a file without one is fine. */
  private async uploadThumbnail(): Promise<Thumbnail | null> {
    if (!this.thumbnailTask) {
      const image = await this.options.makeThumbnail?.(this.file, this.type).catch(() => null);
      if (!image) return null;
      this.thumbnailImage = image;
      this.thumbnailTask = new UploadTask(image.blob, 'thumbnail', { ...this.options, makeThumbnail: undefined });
    }
    const uploaded = await this.thumbnailTask.upload();
    const image = this.thumbnailImage!;
    if (!uploaded) return null;
    return { fileId: uploaded.fileId, key: uploaded.key, type: uploaded.type, width: image.width, height: image.height };
  }
}
