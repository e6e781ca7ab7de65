// A file as a chat message carries it (docs/protocol.md, "Chat"): the id, key, name, type and size
// of an uploaded file, and its thumbnail. It arrives from other members inside a message, so every
// field is checked; the message body reads the rest.
import type { Transfer } from './transfer';

export interface Thumbnail {
  fileId: string;
  key: string;
  type: string;
  width: number;
  height: number;
}

export interface Attachment {
  fileId: string;
  /** base64url of the file's 32-byte key. */
  key: string;
  name: string;
  type: string;
  /** Plaintext bytes. */
  size: number;
  thumbnail: Thumbnail | null;
}

/** An attachment on its way up. `upload()` is idempotent and resumes after a failure. */
export interface PendingAttachment extends Transfer {
  readonly id: string;
  readonly type: string;
  /** Resolves to the descriptor once uploaded, or null if the person cancelled it. */
  upload(): Promise<Attachment | null>;
}

type Raw = Record<string, unknown>;
const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const KEY = /^[A-Za-z0-9_-]{43}$/;
// Only types the browser may render inline are kept as they are; anything odd becomes opaque bytes.
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

function readThumbnail(value: unknown): Thumbnail | null {
  if (!isMap(value)) return null;
  const { fileId, key, type, width, height } = value;
  if (typeof fileId !== 'string' || !ID.test(fileId) || typeof key !== 'string' || !KEY.test(key)) return null;
  if (typeof type !== 'string' || !/^image\//.test(type) || !isCount(width) || !isCount(height)) return null;
  return { fileId, key, type, width, height };
}

export function readAttachment(value: unknown): Attachment {
  if (!isMap(value)) throw new Error('Malformed attachment');
  const { fileId, key, name, type, size } = value;
  if (typeof fileId !== 'string' || !ID.test(fileId)) throw new Error('Attachment without file id');
  if (typeof key !== 'string' || !KEY.test(key)) throw new Error('Attachment without key');
  if (!isCount(size)) throw new Error('Attachment without size');
  return {
    fileId,
    key,
    name: safeFileName(typeof name === 'string' ? name : ''),
    type: typeof type === 'string' && MIME.test(type) ? type.toLowerCase() : 'application/octet-stream',
    size,
    thumbnail: readThumbnail(value.thumbnail),
  };
}

/** A name that is safe to offer as a download: no path, no control characters, never empty. */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').replace(/^\.+/, '').trim();
  return [...cleaned].slice(0, 200).join('') || 'file';
}
