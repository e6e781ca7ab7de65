import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  chunkCountFor,
  chunkPlainLength,
  decryptFileChunk,
  encryptFileChunk,
  fileChunkAd,
  fileChunkIv,
  FileChunkDecryptor,
  importFileKey,
  newFileKey,
  type FileKey,
} from './index';

interface ChunkVector { index: number; associatedData: string; iv: string; ciphertext: string }
interface FileVector { fileId: string; key: string; chunkBytes: number; plaintext: string; chunks: ChunkVector[] }

const vectors = JSON.parse(
  readFileSync(new URL('../../../tests/vectors/envelopes.json', import.meta.url), 'utf8'),
) as { fileChunks: FileVector[] };

const hex = (h: string) => new Uint8Array((h.match(/../g) ?? []).map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** Encrypts a whole plaintext the way the uploader does, chunk by chunk. */
async function encryptAll(key: FileKey, fileId: string, plain: Uint8Array, chunkBytes: number): Promise<Uint8Array[]> {
  const n = chunkCountFor(plain.length, chunkBytes);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await encryptFileChunk(key, fileId, i, i === n - 1, plain.subarray(i * chunkBytes, (i + 1) * chunkBytes)));
  }
  return out;
}

async function decryptAll(key: FileKey, fileId: string, size: number, chunkBytes: number, chunks: Uint8Array[]) {
  const decryptor = new FileChunkDecryptor(key, fileId, size, chunkBytes);
  const parts: number[] = [];
  for (const c of chunks) parts.push(...(await decryptor.decrypt(c)));
  decryptor.finish();
  return new Uint8Array(parts);
}

describe('file chunk cipher', () => {
  it.each(vectors.fileChunks)('matches the vector of $fileId byte for byte', async (v) => {
    const key = await importFileKey(v.key);
    const plain = hex(v.plaintext);
    expect(chunkCountFor(plain.length, v.chunkBytes)).toBe(v.chunks.length);
    const sealed = await encryptAll(key, v.fileId, plain, v.chunkBytes);
    for (const [i, c] of v.chunks.entries()) {
      const last = i === v.chunks.length - 1;
      expect(c.index).toBe(i);
      expect(new TextDecoder().decode(fileChunkAd(v.fileId, i, last))).toBe(c.associatedData);
      expect(toHex(fileChunkIv(i))).toBe(c.iv);
      expect(toHex(sealed[i])).toBe(c.ciphertext);
    }
    const opened = await decryptAll(key, v.fileId, plain.length, v.chunkBytes, v.chunks.map((c) => hex(c.ciphertext)));
    expect(toHex(opened)).toBe(v.plaintext);
  });

  it('puts the index big-endian in the last eight IV bytes', () => {
    expect(toHex(fileChunkIv(0x0102030405))).toBe('000000000000000102030405');
    expect(() => fileChunkIv(-1)).toThrow();
  });

  it.each([
    [0, 1, [0]],
    [1, 1, [1]],
    [16, 1, [16]],
    [17, 2, [16, 1]],
    [32, 2, [16, 16]],
  ])('cuts %i bytes into %i chunks', (size, count, lengths) => {
    expect(chunkCountFor(size, 16)).toBe(count);
    expect(Array.from({ length: count }, (_, i) => chunkPlainLength(size, i, 16))).toEqual(lengths);
  });

  it('makes a fresh key each time and round-trips its text form', async () => {
    const a = await newFileKey();
    const b = await newFileKey();
    expect(a.text).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.text).not.toBe(b.text);
    expect(a.key.extractable).toBe(false);
    const again = await importFileKey(a.text);
    const sealed = await encryptFileChunk(a, 'f', 0, true, new Uint8Array([1, 2, 3]));
    expect([...(await decryptFileChunk(again, 'f', 0, true, sealed))]).toEqual([1, 2, 3]);
    await expect(importFileKey('AAAA')).rejects.toThrow(/32 bytes/);
  });

  describe('a damaged chunk sequence', () => {
    const v = vectors.fileChunks[1]; // three chunks
    const chunks = () => v.chunks.map((c) => hex(c.ciphertext));
    const size = hex(v.plaintext).length;
    const open = async (list: Uint8Array[], fileId = v.fileId) =>
      decryptAll(await importFileKey(v.key), fileId, size, v.chunkBytes, list);

    it('is rejected when two chunks are swapped', async () => {
      const [a, b, c] = chunks();
      await expect(open([b, a, c])).rejects.toThrow(/Chunk 0/);
    });

    it('is rejected when a chunk is repeated in place of another', async () => {
      const [a, , c] = chunks();
      await expect(open([a, a, c])).rejects.toThrow(/Chunk 1/);
    });

    it('is rejected when it stops before the last chunk', async () => {
      await expect(open(chunks().slice(0, 2))).rejects.toThrow(/ended after 2 of 3/);
    });

    it('is rejected when a chunk follows the last one', async () => {
      const all = chunks();
      await expect(open([...all, all[2]])).rejects.toThrow(/more chunks/);
    });

    it('is rejected when a full chunk poses as the last one', async () => {
      // Cut short at a chunk boundary: chunk 1 (last=0) cannot pass as the final chunk.
      const key = await importFileKey(v.key);
      const decryptor = new FileChunkDecryptor(key, v.fileId, 32, v.chunkBytes);
      const [a, b] = chunks();
      await decryptor.decrypt(a);
      await expect(decryptor.decrypt(b)).rejects.toThrow(/Chunk 1/);
    });

    it('is rejected when chunks come from another file', async () => {
      await expect(open(chunks(), 'F1leIdCCCCCCCCCCCCCCCC')).rejects.toThrow(/Chunk 0/);
    });

    it('is rejected when a chunk is truncated or a bit flipped', async () => {
      const [a, b, c] = chunks();
      await expect(open([a, b.subarray(1), c])).rejects.toThrow(/wrong length/);
      await expect(open([a, b.map((x, i) => (i === 5 ? x ^ 1 : x)), c])).rejects.toThrow(/Chunk 1/);
    });
  });
});
