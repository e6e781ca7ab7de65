import { fromBase64Url, toBase64Url } from './base64url';
import { ownBytes, utf8 } from './bytes';

/** Plaintext bytes per chunk (docs/protocol.md, "Files"); the last chunk may be shorter. */
export const FILE_CHUNK_BYTES = 1_048_576;
/** Each encrypted chunk is its plaintext plus the GCM tag. */
export const CHUNK_TAG_BYTES = 16;

/** A file's own AES-256-GCM key. The text form travels only inside encrypted chat messages. */
export interface FileKey {
  readonly key: CryptoKey;
  /** base64url of the raw 32 bytes. */
  readonly text: string;
}

export async function newFileKey(): Promise<FileKey> {
  return importFileKey(toBase64Url(crypto.getRandomValues(new Uint8Array(32))));
}

export async function importFileKey(text: string): Promise<FileKey> {
  const raw = fromBase64Url(text);
  if (raw.length !== 32) throw new Error('File key must be 32 bytes');
  const key = await crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  return { key, text };
}

/** An empty file is still one (empty) chunk, so its "last" flag can be authenticated. */
export function chunkCountFor(size: number, chunkBytes = FILE_CHUNK_BYTES): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new Error('Invalid file size');
  return Math.max(1, Math.ceil(size / chunkBytes));
}

/** Plaintext length of chunk `index` of a file of `size` bytes. */
export function chunkPlainLength(size: number, index: number, chunkBytes = FILE_CHUNK_BYTES): number {
  return Math.max(0, Math.min(chunkBytes, size - index * chunkBytes));
}

/**
 * A counter IV is safe here because every file has its own random key, so (key, IV) never repeats;
 * it also means the chunk's position is bound twice, by the IV and by the associated data.
 */
export function fileChunkIv(index: number): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(index) || index < 0) throw new Error('Invalid chunk index');
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setBigUint64(4, BigInt(index), false);
  return iv;
}

/** Binds file, position and the last-chunk flag: no reordering, swapping between files or cutting short. */
export function fileChunkAd(fileId: string, index: number, last: boolean): Uint8Array<ArrayBuffer> {
  return utf8(`parley/v1|file|${fileId}|${index}|${last ? 1 : 0}`);
}

export async function encryptFileChunk(
  key: FileKey,
  fileId: string,
  index: number,
  last: boolean,
  plaintext: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const params = { name: 'AES-GCM', iv: fileChunkIv(index), additionalData: fileChunkAd(fileId, index, last) };
  return new Uint8Array(await crypto.subtle.encrypt(params, key.key, ownBytes(plaintext)));
}

export async function decryptFileChunk(
  key: FileKey,
  fileId: string,
  index: number,
  last: boolean,
  ciphertext: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const params = { name: 'AES-GCM', iv: fileChunkIv(index), additionalData: fileChunkAd(fileId, index, last) };
  try {
    return new Uint8Array(await crypto.subtle.decrypt(params, key.key, ownBytes(ciphertext)));
  } catch {
    throw new Error(`Chunk ${index} of the file failed to decrypt: damaged, reordered or from another file`);
  }
}

/**
 * Decrypts a file's chunks strictly in order. The expected count comes from the size in the
 * (authenticated) chat message, never from the server, so the chunk expected last must carry
 * last=1 and a server that drops, repeats, swaps or appends chunks is caught.
 */
export class FileChunkDecryptor {
  private next = 0;
  readonly chunkCount: number;

  constructor(
    private readonly key: FileKey,
    private readonly fileId: string,
    readonly size: number,
    readonly chunkBytes = FILE_CHUNK_BYTES,
  ) {
    this.chunkCount = chunkCountFor(size, chunkBytes);
  }

  get done(): boolean {
    return this.next === this.chunkCount;
  }

  /** Byte length of the next encrypted chunk, or 0 when all have been read. */
  get nextCipherLength(): number {
    return this.done ? 0 : chunkPlainLength(this.size, this.next, this.chunkBytes) + CHUNK_TAG_BYTES;
  }

  async decrypt(ciphertext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    if (this.done) throw new Error('The file has more chunks than its size allows');
    const index = this.next;
    if (ciphertext.length !== this.nextCipherLength) throw new Error(`Chunk ${index} has the wrong length`);
    const plain = await decryptFileChunk(this.key, this.fileId, index, index === this.chunkCount - 1, ciphertext);
    this.next++;
    return plain;
  }

  /** Call at the end of the stream: a file that stops early is an error, not a shorter file. */
  finish(): void {
    if (!this.done) throw new Error(`The file ended after ${this.next} of ${this.chunkCount} chunks`);
  }
}
