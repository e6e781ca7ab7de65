import { describe, expect, it, vi } from 'vitest';
import { encryptFileChunk, FILE_CHUNK_BYTES, importFileKey, newFileKey } from '../crypto';
import { decryptStream, DownloadTask } from './downloader';
import { FileApi } from './fileApi';
import { FileTransfers } from './fileTransfers';
import { FakeFileServer } from './testing/fakeFileServer';
import { formatBytes } from './transfer';
import { sizeProblem, UploadTask } from './uploader';

const credentials = { memberId: 'm1', memberToken: new TextEncoder().encode('token') };
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

function setup(chunkBytes = 16) {
  const server = new FakeFileServer(chunkBytes);
  const api = new FileApi({ roomId: 'room', credentials: async () => credentials, fetch: server.fetch });
  return { server, api };
}

const upload = (api: FileApi, data: Uint8Array, extra = {}) =>
  new UploadTask(new Blob([new Uint8Array(data)], { type: 'application/pdf' }), 'report.pdf', { api, retryMs: 1, ...extra });

async function downloadBytes(api: FileApi, attachment: { fileId: string; key: string; size: number }) {
  const blob = await new DownloadTask(api, { ...attachment, name: 'x' }).toBlob('application/octet-stream');
  return new Uint8Array(await blob.arrayBuffer());
}

/** A body that hands out `bytes` in reads of `piece` bytes. */
const body = (data: Uint8Array, piece: number) => {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull: (c) => (at >= data.length ? c.close() : c.enqueue(data.slice(at, (at += piece)))),
  });
};

describe('uploads', () => {
  it.each([
    ['an empty file', 0, 1],
    ['exactly one chunk', 16, 1],
    ['one chunk and a byte', 17, 2],
    ['several chunks', 100, 7],
  ])('sends %s as the right chunks and gets it back intact', async (_what, size, chunks) => {
    const { server, api } = setup();
    const data = bytes(size);
    const task = upload(api, data);
    const attachment = (await task.upload())!;
    expect(attachment).toMatchObject({ name: 'report.pdf', type: 'application/pdf', size, thumbnail: null });
    expect(attachment.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = server.files.get(attachment.fileId)!;
    expect(stored.complete).toBe(true);
    expect(stored.chunks.size).toBe(chunks);
    expect(server.stored(attachment.fileId).length).toBe(size + 16 * chunks);
    expect(task.state.get()).toBe('done');
    expect(task.progress.get()).toEqual({ done: size, total: size });
    expect(await downloadBytes(api, attachment)).toEqual(data);
  });

  it('uses the protocol chunk size of 1 MiB, the last chunk shorter', async () => {
    const { server, api } = setup(FILE_CHUNK_BYTES);
    const attachment = (await upload(api, bytes(FILE_CHUNK_BYTES + 5)).upload())!;
    const lengths = [...server.files.get(attachment.fileId)!.chunks.values()].map((c) => c.length);
    expect(lengths.sort((a, b) => b - a)).toEqual([FILE_CHUNK_BYTES + 16, 5 + 16]);
  });

  it('keeps at most three chunks in flight', async () => {
    const { server, api } = setup();
    await upload(api, bytes(16 * 20)).upload();
    expect(server.maxInFlightPuts).toBe(3);
  });

  it('sends the member header on every file call', async () => {
    const { server, api } = setup();
    await upload(api, bytes(40)).upload();
    expect(server.calls.map((c) => c.method)).toEqual(['POST', 'PUT', 'PUT', 'PUT', 'POST']);
  });

  it('retries a chunk that failed on the way, then resumes only the missing chunks after a failure', async () => {
    const { server, api } = setup();
    let flaky = 1;
    server.failPut = (i) => (i === 1 && flaky-- > 0 ? 'network' : i === 4 ? 500 : null);
    const data = bytes(16 * 6);
    const task = upload(api, data, { chunkAttempts: 2, parallel: 1 });
    await expect(task.upload()).rejects.toThrow(/500/);
    expect(task.state.get()).toBe('failed');
    expect(task.error.get()).toMatch(/500/);
    const fileId = task.uploadedFileId!;
    expect([...server.files.get(fileId)!.chunks.keys()].sort()).toEqual([0, 1, 2, 3]);

    server.failPut = () => null;
    server.calls.length = 0;
    const attachment = (await task.upload())!;
    expect(attachment.fileId).toBe(fileId);
    expect(server.calls.map((c) => `${c.method} ${c.path.replace(/.*files\/file\d+/, '')}`)).toEqual([
      'GET ',
      'PUT /chunks/4',
      'PUT /chunks/5',
      'POST /complete',
    ]);
    expect(await downloadBytes(api, attachment)).toEqual(data);
  });

  it('cancels: stops the chunks in flight, deletes the file and resolves to nothing', async () => {
    const { server, api } = setup();
    server.putGate = new Promise(() => {});
    const task = upload(api, bytes(16 * 5));
    const result = task.upload();
    await vi.waitFor(() => expect(server.inFlightPuts).toBe(3));
    task.cancel();
    await expect(result).resolves.toBeNull();
    expect(task.state.get()).toBe('cancelled');
    await vi.waitFor(() => expect(server.calls.some((c) => c.method === 'DELETE')).toBe(true));
    expect(server.files.size).toBe(0);
    await expect(task.upload()).resolves.toBeNull();
  });

  it('refuses every file with the reason when the access policy keeps files for signed-in members', async () => {
    const { server, api } = setup();
    const transfers = new FileTransfers(api, () => false);
    const { tasks, refused } = await transfers.attach([new File([bytes(3)], 'ok.txt', { type: 'text/plain' })]);
    expect(tasks).toEqual([]);
    expect(refused).toEqual(['Sign in to share files.']);
    expect(server.calls).toEqual([]);
  });

  it('refuses a file over the limit with a clear sentence before uploading anything', async () => {
    const { server, api } = setup();
    server.maxFileBytes = 100 * 1024 * 1024;
    expect(sizeProblem('report.pdf', 240 * 1024 * 1024, await api.limits())).toBe('report.pdf is 240 MB; the limit is 100 MB.');
    const transfers = new FileTransfers(api);
    const big = { name: 'report.pdf', size: 240 * 1024 * 1024, type: 'application/pdf' } as File;
    const small = new File([bytes(3)], 'ok.txt', { type: 'text/plain' });
    const { tasks, refused } = await transfers.attach([big, small]);
    expect(refused).toEqual(['report.pdf is 240 MB; the limit is 100 MB.']);
    expect(tasks.map((t) => t.name)).toEqual(['ok.txt']);
    await tasks[0].upload();
    expect(server.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/files'))).toHaveLength(1);
  });

  it('formats sizes the way people read them', () => {
    expect([0, 999, 1536, 10 * 1024 * 1024, 240 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '999 B',
      '1.5 KB',
      '10 MB',
      '240 MB',
      '3 GB',
    ]);
  });
});

describe('downloads', () => {
  async function sealed(size: number, chunkBytes = 16) {
    const key = await newFileKey();
    const data = bytes(size, 7);
    const n = Math.max(1, Math.ceil(size / chunkBytes));
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < n; i++) chunks.push(await encryptFileChunk(key, 'F', i, i === n - 1, data.subarray(i * chunkBytes, (i + 1) * chunkBytes)));
    const joined = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
    chunks.reduce((at, c) => (joined.set(c, at), at + c.length), 0);
    return { key, data, joined, chunks };
  }

  async function collect(stream: AsyncGenerator<Uint8Array>) {
    const out: number[] = [];
    for await (const piece of stream) out.push(...piece);
    return new Uint8Array(out);
  }

  it.each([1, 5, 16, 17, 1000])('decrypts a body that arrives in reads of %i bytes', async (piece) => {
    const { key, data, joined } = await sealed(50);
    expect(await collect(decryptStream(body(joined, piece), key, 'F', 50, 16))).toEqual(data);
  });

  it('yields chunk by chunk instead of waiting for the whole body', async () => {
    const { key, joined } = await sealed(64);
    const sizes: number[] = [];
    for await (const piece of decryptStream(body(joined, 9), key, 'F', 64, 16)) sizes.push(piece.length);
    expect(sizes).toEqual([16, 16, 16, 16]);
  });

  it('fails on a body cut short, one with extra bytes, or chunks out of order', async () => {
    const { key, joined, chunks } = await sealed(40);
    const k = await importFileKey(key.text);
    await expect(collect(decryptStream(body(joined.subarray(0, 64), 5), k, 'F', 40, 16))).rejects.toThrow(/ended after 2 of 3/);
    await expect(collect(decryptStream(body(new Uint8Array([...joined, 0]), 5), k, 'F', 40, 16))).rejects.toThrow(/more data/);
    const swapped = new Uint8Array([...chunks[1], ...chunks[0], ...chunks[2]]);
    await expect(collect(decryptStream(body(swapped, 5), k, 'F', 40, 16))).rejects.toThrow(/Chunk 0/);
  });

  it('reports progress and can be cancelled part way', async () => {
    const { server, api } = setup();
    const attachment = (await upload(api, bytes(16 * 8)).upload())!;
    server.contentPiece = 16 + 16;
    const task = new DownloadTask(api, { ...attachment, name: 'report.pdf' });
    const seen: number[] = [];
    task.progress.subscribe((p) => seen.push(p.done));
    await task.run({ write: () => undefined });
    expect(seen.at(-1)).toBe(128);
    expect(task.state.get()).toBe('done');

    const again = new DownloadTask(api, { ...attachment, name: 'report.pdf' });
    const run = again.run({ write: () => (again.progress.get().done >= 32 ? again.cancel() : undefined) });
    await expect(run).rejects.toThrow(/Cancelled/);
    expect(again.state.get()).toBe('cancelled');
    expect(again.progress.get().done).toBeLessThan(128);
  });

  it('refuses a stored file whose size does not match the message', async () => {
    const { api } = setup();
    const attachment = (await upload(api, bytes(20)).upload())!;
    await expect(downloadBytes(api, { ...attachment, size: 19 })).rejects.toThrow(/does not match/);
  });
});
