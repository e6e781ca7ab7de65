import { CHUNK_TAG_BYTES, FileChunkDecryptor, importFileKey, type FileKey } from '../crypto';
import { Value } from '../state/value';
import type { Attachment } from './attachment';
import type { FileApi } from './fileApi';
import { CancelledError, isAbort, type Transfer, type TransferProgress, type TransferState } from './transfer';

/**
 * Cuts a stream of encrypted chunks (as `…/content` sends them, back to back) into chunks and
 * yields each decrypted, in order. At most one chunk plus one network read is buffered. The
 * chunk count follows from `size`, which comes from the encrypted message, so a stream that is
 * short, long, reordered or spliced from another file fails instead of yielding a different file.
 */
export async function* decryptStream(
  body: ReadableStream<Uint8Array>,
  key: FileKey,
  fileId: string,
  size: number,
  chunkBytes: number,
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const decryptor = new FileChunkDecryptor(key, fileId, size, chunkBytes);
  const reader = body.getReader();
  let pieces: Uint8Array[] = [];
  let buffered = 0;
  try {
    for (;;) {
      while (!decryptor.done && buffered >= decryptor.nextCipherLength) {
        const chunk = take(decryptor.nextCipherLength);
        yield await decryptor.decrypt(chunk);
      }
      const { done, value } = await reader.read();
      if (done) break;
      if (decryptor.done && value.length > 0) throw new Error('The file has more data than its size allows');
      pieces.push(value);
      buffered += value.length;
    }
    if (buffered > 0 && decryptor.done) throw new Error('The file has more data than its size allows');
    decryptor.finish();
  } finally {
    reader.releaseLock();
  }

  function take(length: number): Uint8Array {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const piece = pieces[0];
      const used = Math.min(piece.length, length - filled);
      out.set(piece.subarray(0, used), filled);
      filled += used;
      if (used === piece.length) pieces.shift();
      else pieces[0] = piece.subarray(used);
    }
    buffered -= length;
    if (buffered === 0) pieces = [];
    return out;
  }
}

/** Where decrypted pieces go: a file on disk, or parts of a Blob. */
export interface DownloadSink {
  write(piece: Uint8Array<ArrayBuffer>): Promise<void> | void;
}

/** One download of an attachment: progress, cancel, and a sink chosen by the caller. */
export class DownloadTask implements Transfer {
  readonly name: string;
  readonly size: number;
  readonly progress: Value<TransferProgress>;
  readonly state = new Value<TransferState>('waiting');
  readonly error = new Value<string | null>(null);
  private readonly abort = new AbortController();

  constructor(
    private readonly api: FileApi,
    private readonly file: Pick<Attachment, 'fileId' | 'key' | 'name'> & { size?: number },
  ) {
    this.name = file.name;
    this.size = file.size ?? 0;
    this.progress = new Value({ done: 0, total: this.size });
  }

  cancel(): void {
    if (this.state.get() === 'done' || this.state.get() === 'cancelled') return;
    this.state.set('cancelled');
    this.abort.abort();
  }

  /** Decrypts into a Blob: for previews and small files, which fit in memory anyway. */
  async toBlob(type: string): Promise<Blob> {
    const parts: BlobPart[] = [];
    await this.run({ write: (piece) => void parts.push(piece) });
    return new Blob(parts, { type });
  }

  async run(sink: DownloadSink): Promise<void> {
    const { signal } = this.abort;
    this.state.set('running');
    try {
      const [status, key] = await Promise.all([this.api.status(this.file.fileId, signal), importFileKey(this.file.key)]);
      if (!status.complete) throw new Error('This file is still being uploaded');
      // The size the sender wrote in the (authenticated) message wins over the server's. Thumbnails
      // carry none; for them a wrong size still fails, on the last-chunk flag.
      const size = this.file.size ?? status.size;
      if (status.size !== size) throw new Error('The stored file does not match the message');
      const response = await this.api.content(this.file.fileId, signal);
      if (!response.body) throw new Error('The server sent no content');
      const expected = status.size + CHUNK_TAG_BYTES * status.chunkCount;
      const length = Number(response.headers.get('Content-Length') ?? expected);
      if (length !== expected) throw new Error('The stored file does not match the message');
      let done = 0;
      for await (const piece of decryptStream(response.body, key, this.file.fileId, size, status.chunkBytes)) {
        if (signal.aborted) throw new CancelledError();
        await sink.write(piece);
        done += piece.length;
        this.progress.set({ done, total: size });
      }
      this.state.set('done');
    } catch (error) {
      if (this.state.get() === 'cancelled' || isAbort(error)) {
        this.state.set('cancelled');
        throw new CancelledError();
      }
      this.state.set('failed');
      this.error.set(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
}
