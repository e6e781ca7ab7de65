import { describe, expect, it } from 'vitest';
import { FileApi } from '../fileApi';
import { FakeFileServer } from '../testing/fakeFileServer';
import { UploadTask } from '../uploader';
import { buildTree, findFolder, sortTree, type RoomEntry } from './fileTree';
import { fileAt, folderAt } from './testing/entries';
import { readZip } from './testing/readZip';
import { zipItems, zipNames, zipStream } from './zipDownload';

const credentials = { memberId: 'm1', memberToken: new TextEncoder().encode('token') };
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

function setup() {
  const server = new FakeFileServer(16);
  const api = new FileApi({ roomId: 'room', credentials: async () => credentials, fetch: server.fetch });
  return { server, api };
}

/** Uploads `data` encrypted, as the file manager does, and returns its entry as the tree sees it. */
async function uploaded(api: FileApi, path: string, data: Uint8Array): Promise<RoomEntry> {
  const done = (await new UploadTask(new Blob([new Uint8Array(data)]), path, { api }).upload())!;
  const item = fileAt(path, data.length, { fileId: done.fileId, updatedAt: Date.UTC(2024, 4, 1) }, done.key);
  return item;
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('zip downloads', () => {
  it('streams a valid archive whose entries are byte-identical to the files, folders kept', async () => {
    const { api } = setup();
    const data = { a: bytes(100, 1), b: bytes(0, 2), c: bytes(33, 3) };
    const items = [
      await uploaded(api, 'docs/a.bin', data.a),
      await uploaded(api, 'docs/empty.txt', data.b),
      await uploaded(api, 'docs/deep/c.bin', data.c),
      folderAt('docs'),
      folderAt('docs/nothing-here'),
    ];
    const tree = sortTree(buildTree(items), { by: 'name', descending: false });
    const zip = await collect(zipStream(api, zipItems([findFolder(tree, ['docs'])!]), new AbortController().signal));
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(['docs/', 'docs/nothing-here/', 'docs/a.bin', 'docs/empty.txt', 'docs/deep/c.bin']);
    const byName = new Map(entries.map((e) => [e.name, e.data]));
    expect(byName.get('docs/a.bin')).toEqual(data.a);
    expect(byName.get('docs/empty.txt')).toEqual(data.b);
    expect(byName.get('docs/deep/c.bin')).toEqual(data.c);
  });

  it('puts a picked file at the top of the zip, and counts the bytes that went in', async () => {
    const { api } = setup();
    const tree = buildTree([await uploaded(api, 'docs/deep/c.bin', bytes(40, 9)), await uploaded(api, 'x.bin', bytes(8, 1))]);
    const c = findFolder(tree, ['docs', 'deep'])!.children[0];
    let counted = 0;
    const zip = await collect(zipStream(api, zipItems([c, ...tree.children.filter((n) => n.kind === 'file')]), new AbortController().signal, (n) => (counted += n)));
    expect(readZip(zip).map((e) => [e.name, e.data.length])).toEqual([
      ['c.bin', 40],
      ['x.bin', 8],
    ]);
    expect(counted).toBe(48);
  });

  it('makes hostile names harmless: ../../evil.txt lands as evil.txt inside the zip', async () => {
    const { api } = setup();
    const evil = await uploaded(api, 'ok.txt', bytes(5, 4));
    // A meta written by a careless or hostile browser: the reader refuses such names, but the zip never relies on that.
    const item = { ...evil, meta: { ...evil.meta!, path: ['../../evil.txt'] } };
    const zip = await collect(zipStream(api, zipItems(buildTree([item]).children), new AbortController().signal));
    expect(readZip(zip).map((e) => e.name)).toEqual(['evil.txt']);
  });

  it('never gives two entries the same name', () => {
    const items = [
      { path: ['a.txt'], kind: 'file' as const, updatedAt: 0, file: null },
      { path: ['A.txt'], kind: 'file' as const, updatedAt: 0, file: null },
      { path: ['..', 'a.txt'], kind: 'file' as const, updatedAt: 0, file: null },
    ];
    expect(zipNames(items)).toEqual(['a.txt', 'A (2).txt', 'a (3).txt']);
  });

  it('fails the archive when a file does not decrypt, instead of writing a wrong file', async () => {
    const { api } = setup();
    const good = await uploaded(api, 'a.bin', bytes(20, 1));
    const wrongKey = { ...good, meta: { ...good.meta!, key: 'A'.repeat(43) } };
    await expect(collect(zipStream(api, zipItems(buildTree([wrongKey]).children), new AbortController().signal))).rejects.toThrow(/decrypt/);
  });

  it('fetches one file at a time, only when the zip reaches it', async () => {
    const { api, server } = setup();
    const items = await Promise.all(['a', 'b', 'c'].map((n, i) => uploaded(api, `${n}.bin`, bytes(64, i))));
    server.calls.length = 0;
    const reader = zipStream(api, zipItems(buildTree(items).children), new AbortController().signal).getReader();
    let got = 0;
    while (got < 64) got += (await reader.read()).value!.length; // the first file's header and some of its data
    expect(server.calls.filter((c) => c.path.endsWith('/content'))).toHaveLength(1);
    await reader.cancel().catch(() => {}); // client-zip's cancel rejects (with undefined) once its source stops
  });

  it('stops the downloads when cancelled', async () => {
    const { api, server } = setup();
    const items = await Promise.all(['a', 'b', 'c'].map((n, i) => uploaded(api, `${n}.bin`, bytes(64, i))));
    const abort = new AbortController();
    server.calls.length = 0;
    const stream = zipStream(api, zipItems(buildTree(items).children), abort.signal, () => abort.abort());
    await expect(collect(stream)).rejects.toThrow();
    expect(server.calls.filter((c) => c.path.endsWith('/content')).length).toBeLessThan(3);
  });
});
