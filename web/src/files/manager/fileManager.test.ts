import { afterEach, describe, expect, it } from 'vitest';
import { GUEST } from '../../accounts/abilities';
import { keyedMember, ROOM, stopMembers, type Member } from '../../chat/testing/keyedRoom';
import { newRoomKey, RoomKeyRing } from '../../crypto';
import { TEST_JOIN_KEY } from '../../wire/testing/devices';
import { FakeRelay } from '../../wire/testing/fakeRelay';
import { until } from '../../wire/testing/waiting';
import { DownloadTask } from '../downloader';
import { FileApi } from '../fileApi';
import { FakeFileServer } from '../testing/fakeFileServer';
import { describeActivity } from './activityLog';
import { FileManager } from './fileManager';
import { sealFileMeta } from './fileMeta';
import { buildTree, findFolder, sortTree, type FileNode, type FolderNode } from './fileTree';
import type { Usage } from './roomUsage';

const credentials = { memberId: 'm1', memberToken: new TextEncoder().encode('token') };
const ALL = { shareFiles: true, protectRoom: true, nameRoom: true };

afterEach(stopMembers);

interface Browser {
  m: Member;
  files: FileManager;
  usage: Usage;
}

async function setup() {
  const relay = new FakeRelay(ROOM, TEST_JOIN_KEY);
  relay.abilities = ALL;
  const server = new FakeFileServer(16);
  relay.entries.fileIsComplete = (id) => server.files.get(id)?.complete === true;
  relay.entries.fileSize = (id) => server.files.get(id)?.size ?? 0;
  const browser = async (device: number, creator = false): Promise<Browser> => {
    const m = await keyedMember(relay, { device, creator });
    const apiOptions = { roomId: ROOM, credentials: async () => credentials, fetch: server.fetch };
    const usage: Usage = { usedBytes: 0, maxRoomBytes: 10_000, maxFileBytes: 1000 };
    const files = new FileManager({
      roomId: ROOM,
      transport: m.transport,
      keys: m.keys,
      membership: m.sync.membership,
      abilities: m.sync.access.abilities,
      api: new FileApi(apiOptions),
      apiOptions,
      usage: async () => usage,
      uploads: { retryMs: 0, task: { retryMs: 1, chunkAttempts: 1 } },
      report: (message) => m.problems.push({ kind: 'keys', message }),
    });
    files.start();
    await files.list.activate();
    return { m, files, usage };
  };
  const ann = await browser(0, true);
  const bob = await browser(1);
  return { relay, server, ann, bob };
}

const tree = (b: Browser): FolderNode => sortTree(buildTree(b.files.list.items.get().values()), { by: 'name', descending: false });
const paths = (b: Browser) =>
  [...b.files.list.items.get().values()].map((i) => (i.meta ? `${i.meta.path.join('/')}${i.meta.kind === 'folder' ? '/' : ''}` : i.problem)).sort();
const fileNamed = (b: Browser, path: string[]) => findFolder(tree(b), path.slice(0, -1))!.children.find((c) => c.name === path.at(-1)) as FileNode;
const text = (s: string) => new File([s], 'x', { type: 'text/plain' });

async function contentOf(b: Browser, node: FileNode): Promise<string> {
  const { meta, entry } = node.item;
  const task = new DownloadTask(b.files['options'].api, { fileId: entry.fileId!, key: meta!.key!, name: node.name, size: meta!.size! });
  return (await task.toBlob('text/plain')).text();
}

async function upload(b: Browser, files: { path: string[]; body: string }[], destination: string[] = [], folders: string[][] = []) {
  const { batch, problems } = await b.files.upload({ files: files.map((f) => ({ file: text(f.body), path: f.path })), folders, destination }, tree(b));
  expect(problems).toEqual([]);
  await batch!.run();
  return batch!;
}

describe('the file manager over the hub', () => {
  it('uploads a folder tree that another browser sees at once and can read', async () => {
    const { ann, bob } = await setup();
    const batch = await upload(ann, [
      { path: ['trip', 'day1', 'a.txt'], body: 'alpha' },
      { path: ['trip', 'b.txt'], body: 'bravo' },
    ], [], [['trip', 'empty']]);
    expect(batch.state.get()).toBe('done');
    expect(batch.progress.get()).toEqual({ done: 10, total: 10 });
    const expected = ['trip/', 'trip/b.txt', 'trip/day1/', 'trip/day1/a.txt', 'trip/empty/'];
    await until(() => paths(bob).length === 5, 'the entries at the other browser');
    expect(paths(bob)).toEqual(expected);
    expect(await contentOf(bob, fileNamed(bob, ['trip', 'day1', 'a.txt']))).toBe('alpha');
    expect(fileNamed(bob, ['trip', 'b.txt']).uploader).toBe(ann.m.sync.memberId);
  });

  it('renames, moves and deletes, and both browsers stay in step', async () => {
    const { ann, bob, relay } = await setup();
    await upload(ann, [{ path: ['docs', 'a.txt'], body: 'a' }, { path: ['docs', 'b.txt'], body: 'b' }, { path: ['c.txt'], body: 'c' }]);
    await until(() => paths(bob).length === 4);
    await bob.files.rename(tree(bob), findFolder(tree(bob), ['docs'])!, 'papers');
    await until(() => paths(ann).includes('papers/a.txt'), 'the rename at the other browser');
    expect(paths(ann)).toEqual(['c.txt', 'papers/', 'papers/a.txt', 'papers/b.txt']);
    await ann.files.move(tree(ann), [fileNamed(ann, ['papers', 'a.txt'])], []);
    await until(() => paths(bob).includes('a.txt'), 'the move at the other browser');
    await expect(ann.files.rename(tree(ann), fileNamed(ann, ['c.txt']), 'a.txt')).rejects.toThrow('the top folder already has something named a.txt.');

    const blobs = [...relay.entries.entries.values()].map((e) => e.fileId).filter(Boolean);
    const status = await ann.files.remove([findFolder(tree(ann), ['papers'])!, fileNamed(ann, ['a.txt'])]);
    expect(status).toBe('Deleted 2 items: papers/, a.txt');
    await until(() => paths(bob).length === 1, 'the delete at the other browser');
    expect(paths(bob)).toEqual(['c.txt']);
    expect(relay.entries.deletedBlobs.length).toBe(2);
    expect(blobs).toEqual(expect.arrayContaining(relay.entries.deletedBlobs));
  });

  it('replaces a file with a new version and the old blob goes', async () => {
    const { ann, bob, relay } = await setup();
    await upload(ann, [{ path: ['a.txt'], body: 'old' }]);
    await until(() => paths(bob).length === 1);
    const before = fileNamed(bob, ['a.txt']).item.entry;
    const { batch } = await bob.files.replace(fileNamed(bob, ['a.txt']), text('newer'));
    await batch!.run();
    await until(() => fileNamed(ann, ['a.txt']).item.entry.version === 2, 'the new version at the other browser');
    expect(relay.entries.deletedBlobs).toEqual([before.fileId]);
    expect(await contentOf(ann, fileNamed(ann, ['a.txt']))).toBe('newer');
  });

  it('refuses an upload over the quota before anything is sent', async () => {
    const { ann, server } = await setup();
    ann.usage.usedBytes = 9_995;
    const { batch, problems } = await ann.files.upload({ files: [{ file: text('123456'), path: ['a.txt'] }], destination: [] }, tree(ann));
    expect(batch).toBeNull();
    expect(problems).toEqual(['This file needs 6 B, but the room has 5 B left of its 9.8 KB. Nothing was uploaded.']);
    expect(server.calls).toEqual([]);
  });

  it('resumes an upload cut by a network failure once the connection is back', async () => {
    const { ann, server } = await setup();
    let cut = true;
    server.failPut = (i) => (i === 1 && cut ? 'network' : null);
    const { batch } = await ann.files.upload({ files: [{ file: text('x'.repeat(40)), path: ['big.txt'] }], destination: [] }, tree(ann));
    await batch!.run();
    expect(batch!.state.get()).toBe('failed');
    cut = false;
    const stored = new Set([...server.files.values()][0].chunks.keys());
    server.calls.length = 0;
    ann.m.transport.disconnect();
    ann.m.transport.reconnect();
    await until(() => batch!.state.get() === 'done', 'the resumed upload');
    const resent = server.calls.filter((c) => c.method === 'PUT').map((c) => Number(c.path.replace(/.*\//, '')));
    expect(resent).toContain(1);
    expect(resent.filter((i) => stored.has(i))).toEqual([]); // only what the server did not have
    expect(stored.size + resent.length).toBe(3);
    await until(() => paths(ann).includes('big.txt'));
  });

  it('lets members without the sharing ability read but not write', async () => {
    const { ann, bob, relay } = await setup();
    await upload(ann, [{ path: ['a.txt'], body: 'a' }]);
    relay.abilities = GUEST;
    bob.m.sync.access.abilities.set(GUEST);
    expect((await bob.files.plan({ files: [{ file: text('x'), path: ['x.txt'] }], destination: [] }, tree(bob))).problems).toEqual(['Sign in to share files.']);
    await expect(bob.files.createFolder(tree(bob), [], 'new')).rejects.toThrow(/Sign in to share files/);
    await until(() => paths(bob).length === 1);
    expect(await contentOf(bob, fileNamed(bob, ['a.txt']))).toBe('a');
  });

  it('shows the creator the activity log with names read from the entries, newest first', async () => {
    const { ann, bob } = await setup();
    await upload(ann, [{ path: ['a.txt'], body: 'a' }]);
    await upload(ann, [{ path: ['b.txt'], body: 'b' }]); // one after the other: the log's order is known
    await until(() => paths(ann).length === 2);
    await ann.files.remove([fileNamed(ann, ['b.txt'])]);
    await ann.files.activity.refresh();
    const names = { member: (id: string) => (id === ann.m.sync.memberId ? 'Ann' : 'Bob'), entry: (e: string | null) => ann.files.list.get(e ?? '') };
    const lines = ann.files.activity.events.get().map((e) => describeActivity(e, names));
    expect(lines).toEqual(['Ann deleted a file or folder', 'Ann uploaded a deleted file', 'Ann uploaded a.txt', 'Bob joined the room', 'Ann joined the room']);
    await bob.files.activity.refresh();
    expect(bob.files.activity.error.get()).toMatch(/Only the room's creator/);
  });

  it('re-seals every entry under the new key after this browser rotates it', async () => {
    const { ann, bob, relay } = await setup();
    await upload(ann, [{ path: ['a.txt'], body: 'a' }], [], [['docs']]);
    await until(() => paths(bob).length === 2);
    await bob.m.sync.roomKeys.rotate(false);
    await until(() => [...relay.entries.entries.values()].every((e) => e.meta.epoch === 1), 'every meta under epoch 1');
    expect([...relay.entries.entries.values()].map((e) => e.updatedBy)).toEqual([bob.m.sync.memberId, bob.m.sync.memberId]);
    await until(() => [...ann.files.list.items.get().values()].every((i) => i.entry.meta.epoch === 1 && i.meta));
    expect(paths(ann)).toEqual(['a.txt', 'docs/']);
    // Only the rotating browser re-seals; the others just read.
    expect(relay.entries.putCalls.filter((c) => c.sender === ann.m.sync.memberId && c.write.entryId !== null)).toEqual([]);
  });

  it('shows entries it holds no key for, or cannot read, as rows of their own rather than errors', async () => {
    const { ann, relay } = await setup();
    const unreadable = { epoch: 0, iv: new Uint8Array(12), ciphertext: new Uint8Array(40) };
    const later = { epoch: 3, iv: new Uint8Array(12), ciphertext: new Uint8Array(40) };
    const base = { fileId: null, version: 1, size: 0, uploader: 'x', updatedBy: 'x', createdAt: 1, updatedAt: 1 };
    ann.m.transport.emit((l) => l.entriesChanged?.(ROOM, [{ ...base, entryId: 'z1', meta: unreadable }, { ...base, entryId: 'z2', meta: later }]));
    await until(() => ann.files.list.items.get().size === 2);
    expect(paths(ann)).toEqual(['no-key', 'unreadable']);
    expect(tree(ann).children.map((c) => c.name)).toEqual(['Encrypted (no key)', 'Unreadable entry']);
    expect(relay.entries.entries.size).toBe(0);
  });

  it('reads an entry it had no key for once the key arrives (a grant of an older epoch, say)', async () => {
    const { ann } = await setup();
    const key = await newRoomKey();
    const meta = await sealFileMeta(new RoomKeyRing({ epoch: 5, key }), ROOM, 'x', { kind: 'folder', path: ['later'], type: null, size: null, key: null });
    const entry = { entryId: 'z9', fileId: null, version: 1, size: 0, uploader: 'x', updatedBy: 'x', createdAt: 1, updatedAt: 1, meta };
    ann.m.transport.emit((l) => l.entriesChanged?.(ROOM, [entry]));
    await until(() => paths(ann).length === 1);
    expect(paths(ann)).toEqual(['no-key']);
    ann.m.keys.add(5, key);
    await until(() => paths(ann)[0] === 'later/', 'the entry read with the new key');
  });
});
