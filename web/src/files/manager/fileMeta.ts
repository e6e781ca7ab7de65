// The plaintext of a `file-meta` envelope (docs/protocol.md, "File manager"): UTF-8 JSON with the
// entry's kind, its path from the root, and for files the type, size and file key. It is sealed
// under the room key with the writing member as sender, so the server cannot move a name from one
// member's entry to another's or replay it into another room or kind.
import { fromBase64Url, type Envelope, type RoomKeyRing } from '../../crypto';
import { LIMITS } from '../../wire/limits';
import { nameProblem, safePath } from './names';

export interface FileMeta {
  kind: 'file' | 'folder';
  /** The folders from the root down, then the entry's own name. */
  path: string[];
  /** Files only; null for folders. */
  type: string | null;
  size: number | null;
  /** base64url of the file's 32-byte key; files only. */
  key: string | null;
}

/** The server refuses larger meta envelopes; the ciphertext carries a tag. */
export const MAX_META_BYTES = LIMITS.maxMetaBytes;
const TAG_BYTES = LIMITS.tagBytes;
const MAX_DEPTH = 64;
const KEY = /^[A-Za-z0-9_-]{43}$/;
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;
const decoder = new TextDecoder('utf-8', { fatal: true });

type Raw = Record<string, unknown>;
const isKey = (text: string) => {
  try {
    return fromBase64Url(text).length === 32;
  } catch {
    return false;
  }
};
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export const folderMeta = (path: string[]): FileMeta => ({ kind: 'folder', path, type: null, size: null, key: null });

export function encodeFileMeta(meta: FileMeta): Uint8Array {
  const { kind, path, type, size, key } = meta;
  return new TextEncoder().encode(JSON.stringify({ v: 1, kind, path, type, size, key }));
}

/**
 * Reads a meta another member wrote; throws on anything the protocol does not allow. A path that a
 * careless or hostile writer filled with `..`, slashes, drive letters or control characters is cut
 * down to its ordinary names (`["..", "..", "evil.txt"]` reads as `["evil.txt"]`), so the tree and
 * every zip show only names that could have been written; nothing of it survives: unreadable.
 */
export function decodeFileMeta(bytes: Uint8Array): FileMeta {
  const raw = JSON.parse(decoder.decode(bytes)) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('The file-meta is not an object');
  const m = raw as Raw;
  if (m.v !== 1) throw new Error('Unknown file-meta version');
  if (m.kind !== 'file' && m.kind !== 'folder') throw new Error('Unknown entry kind');
  const path = m.path;
  if (!Array.isArray(path) || path.some((name) => typeof name !== 'string')) throw new Error('Malformed path');
  const names = safePath(path as string[]);
  if (names.length === 0 || names.length > MAX_DEPTH || names.some((name) => nameProblem(name))) throw new Error('Malformed path');
  if (m.kind === 'folder') return folderMeta(names);
  if (typeof m.key !== 'string' || !KEY.test(m.key) || !isKey(m.key)) throw new Error('File without key');
  if (!isCount(m.size)) throw new Error('File without size');
  const type = typeof m.type === 'string' && MIME.test(m.type) ? m.type.toLowerCase() : 'application/octet-stream';
  return { kind: 'file', path: names, type, size: m.size, key: m.key };
}

/** Why a meta cannot be written (its path is too long for the server's limit); null when it can. */
export function metaProblem(meta: FileMeta): string | null {
  for (const name of meta.path) {
    const problem = nameProblem(name);
    if (problem) return `${name}: ${problem}`;
  }
  if (meta.path.length > MAX_DEPTH) return `${meta.path.join('/')}: folders nest at most ${MAX_DEPTH} deep.`;
  if (encodeFileMeta(meta).length + TAG_BYTES > MAX_META_BYTES) return `${meta.path.join('/')}: the path is too long.`;
  return null;
}

const context = (roomId: string, sender: string) => ({ roomId, kind: 'file-meta' as const, sender });

/** Seals under the ring's current epoch, as `sender` (this browser's member). */
export function sealFileMeta(ring: RoomKeyRing, roomId: string, sender: string, meta: FileMeta): Promise<Envelope> {
  const problem = metaProblem(meta);
  if (problem) return Promise.reject(new Error(problem));
  return ring.encrypt(context(roomId, sender), encodeFileMeta(meta));
}

/** Opens an entry's meta; `sender` is the member who wrote it (the entry's `updatedBy`). */
export async function openFileMeta(ring: RoomKeyRing, roomId: string, sender: string, envelope: Envelope): Promise<FileMeta> {
  return decodeFileMeta(await ring.decrypt(context(roomId, sender), envelope));
}
