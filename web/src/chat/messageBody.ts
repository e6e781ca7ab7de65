// The plaintext inside a `chat` envelope (docs/protocol.md, "Chat"): UTF-8 JSON. It comes from
// other members, so every field is checked before the UI sees it; a message that does not parse
// is shown as unreadable rather than trusted in part.

export interface Author {
  name: string;
  color: string;
}

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

export interface MessageBody {
  author: Author;
  text: string;
  attachments: Attachment[];
}

const MAX_NAME = 64;
const FALLBACK_COLOR = '#9aa3b5';
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const KEY = /^[A-Za-z0-9_-]{43}$/;
// Only types the browser may render inline are kept as they are; anything odd becomes opaque bytes.
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

type Raw = Record<string, unknown>;
const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function encodeMessageBody(body: MessageBody): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 1, ...body }));
}

export function decodeMessageBody(bytes: Uint8Array): MessageBody {
  const raw: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  if (!isMap(raw) || raw.v !== 1) throw new Error('Unknown chat message version');
  if (typeof raw.text !== 'string') throw new Error('Chat message without text');
  const attachments = raw.attachments ?? [];
  if (!Array.isArray(attachments)) throw new Error('Chat message with malformed attachments');
  return { author: readAuthor(raw.author), text: raw.text, attachments: attachments.map(readAttachment) };
}

function readAuthor(value: unknown): Author {
  if (!isMap(value) || typeof value.name !== 'string' || !value.name.trim()) throw new Error('Chat message without author');
  const color = typeof value.color === 'string' && /^#[0-9a-f]{6}$/i.test(value.color) ? value.color : FALLBACK_COLOR;
  return { name: [...value.name.trim()].slice(0, MAX_NAME).join(''), color };
}

function readThumbnail(value: unknown): Thumbnail | null {
  if (!isMap(value)) return null;
  const { fileId, key, type, width, height } = value;
  if (typeof fileId !== 'string' || !ID.test(fileId) || typeof key !== 'string' || !KEY.test(key)) return null;
  if (typeof type !== 'string' || !/^image\//.test(type) || !isCount(width) || !isCount(height)) return null;
  return { fileId, key, type, width, height };
}

function readAttachment(value: unknown): Attachment {
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
