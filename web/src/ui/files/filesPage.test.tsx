import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GUEST, type Abilities } from '../../accounts/abilities';
import { RoomKeyRing } from '../../crypto';
import { FileApi } from '../../files/fileApi';
import { FileManager } from '../../files/manager/fileManager';
import { buildTree, sortTree, type RoomEntry } from '../../files/manager/fileTree';
import { fileAt, folderAt, locked } from '../../files/manager/testing/entries';
import { UploadBatch } from '../../files/manager/uploadBatch';
import type { Membership } from '../../rooms/memberStore';
import { localStorageMemberStore } from '../../rooms/memberStore';
import { Value } from '../../state/value';
import type { RoomTransport } from '../../wire/transport';
import type { RoomSession } from '../useRoomSession';
import { ActivityList } from './ActivityPanel';
import { DeleteDialog } from './DeleteDialog';
import { FileBrowser } from './FileBrowser';
import { filesPath, filesRoomOf, NoLinkSecretPage } from './filesRoute';
import { shortMember } from './format';

const ALL: Abilities = { shareFiles: true, protectRoom: true, nameRoom: true };
/** The text a screen reader reads: tags and aria-hidden parts left out. */
const textOf = (html: string) =>
  html
    .replace(/<span[^>]*aria-hidden="true"[^>]*>.*?<\/span>/g, '')
    .replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/** Every button as a screen reader names it (aria-label, else its text), with whether it is disabled. */
function buttons(html: string) {
  return [...html.matchAll(/<button([^>]*)>(.*?)<\/button>/g)].map(([, tag, inner]) => ({
    name: attr(tag, 'aria-label') ?? textOf(inner).trim(),
    disabled: /\sdisabled=""/.test(tag),
    describedBy: attr(tag, 'aria-describedby'),
  }));
}
const checkboxes = (html: string) => [...html.matchAll(/<input([^>]*type="checkbox"[^>]*)>/g)].map(([, tag]) => attr(tag, 'aria-label'));

function session(items: RoomEntry[], abilities: Abilities = ALL) {
  const membership = new Value<Membership | null>(null);
  const transport = { subscribe: () => () => {} } as unknown as RoomTransport;
  const apiOptions = { roomId: 'room', credentials: () => new Promise<never>(() => {}) };
  const fileManager = new FileManager({
    roomId: 'room',
    transport,
    keys: new RoomKeyRing(),
    membership,
    abilities: new Value<Abilities | null>(abilities),
    api: new FileApi(apiOptions),
    apiOptions,
  });
  fileManager.list.items.set(new Map(items.map((i) => [i.entry.entryId, i])));
  fileManager.list.loaded.set(true);
  const sync = { access: { abilities: new Value<Abilities | null>(abilities) }, memberId: 'me' };
  const presence = { members: new Value([]), nameOf: (id: string) => (id === 'ann' ? 'Ann' : null) };
  return { roomId: 'room', sync, presence, fileManager } as unknown as RoomSession;
}

const items = [folderAt('docs'), fileAt('docs/inner.txt'), fileAt('a.txt', 2048, { uploader: 'ann', updatedAt: Date.UTC(2024, 0, 2, 3, 4) }), fileAt('mine.txt', 1, { uploader: 'me' }), locked()];

describe('the Files page', () => {
  it('names every control: upload, new folder, selection, sorting and each row', () => {
    const html = renderToStaticMarkup(<FileBrowser session={session(items)} roomName="Room" />);
    const names = buttons(html).map((b) => b.name);
    expect(names.slice(0, 7)).toEqual(['Upload files', 'Upload folder', 'New folder', 'Download selected', 'Download all', 'Move selected', 'Delete selected']);
    expect(names).toEqual(expect.arrayContaining(['Name', 'Size', 'Modified', 'docs']));
    expect(names).toEqual(expect.arrayContaining(['Download a.txt', 'Rename a.txt', 'Update a.txt', 'Delete a.txt', 'Download docs/', 'Rename docs/', 'Delete docs/']));
    expect(names).not.toContain('Update docs/'); // folders have no versions
    expect(checkboxes(html)).toEqual(['Select all', 'Select docs/', 'Select a.txt', 'Select mine.txt', 'Select Encrypted (no key)']);
    expect(html).toMatch(/<label[^>]*>Upload into<\/label>/);
    expect(html).toMatch(/<label[^>]*>Move to<\/label>/);
    expect(html).toMatch(/<input[^>]*webkitdirectory=""/);
  });

  it('marks the sorted column and the folder rows as expandable', () => {
    const html = renderToStaticMarkup(<FileBrowser session={session(items)} roomName="Room" />);
    expect(html).toMatch(/<th scope="col" aria-sort="ascending"[^>]*><button[^>]*>Name/);
    expect(html).toMatch(/<button[^>]*aria-expanded="false"[^>]*>.*?docs<\/button>/);
    expect(html).not.toContain('inner.txt'); // closed folders show no rows
  });

  it('shows size, uploader by name (or a short id) and the time in the local zone', () => {
    const html = renderToStaticMarkup(<FileBrowser session={session(items)} roomName="Room" />);
    const row = /<tr class="row-file">.*?a\.txt.*?<\/tr>/.exec(html)![0];
    expect(textOf(row)).toContain('2 KB');
    expect(textOf(row)).toContain('Ann');
    expect(row).toContain(`dateTime="2024-01-02T03:04:00.000Z"`);
    expect(textOf(row)).toContain(new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(Date.UTC(2024, 0, 2, 3, 4)));
    expect(textOf(html)).toContain('You');
    expect(shortMember('3f9a2c77')).toBe('Member 3f9a2c');
  });

  it('shows unreadable entries as rows that can only be deleted', () => {
    const html = renderToStaticMarkup(<FileBrowser session={session(items)} roomName="Room" />);
    const row = /<tr class="row-locked">.*?<\/tr>/.exec(html)![0];
    expect(textOf(row)).toContain('Encrypted (no key)');
    expect(buttons(row).map((b) => b.name)).toEqual(['Delete Encrypted (no key)']);
  });

  it('lets guests list and download but disables writing, saying why', () => {
    const html = renderToStaticMarkup(<FileBrowser session={session(items, GUEST)} roomName="Room" />);
    const all = buttons(html);
    const hint = /<p id="([^"]+)" class="share-hint">Sign in to share files<\/p>/.exec(html)![1];
    for (const name of ['Upload files', 'Upload folder', 'New folder', 'Rename a.txt', 'Update a.txt', 'Delete a.txt']) {
      expect(all.find((b) => b.name === name)).toMatchObject({ disabled: true, describedBy: hint });
    }
    expect(all.find((b) => b.name === 'Download a.txt')).toMatchObject({ disabled: false });
    expect(all.find((b) => b.name === 'Download all')).toMatchObject({ disabled: false });
  });

  it('shows one overall progress bar per upload and one per file', () => {
    const s = session([]);
    const writer = { api: s.fileManager['options'].api, write: () => new Promise<never>(() => {}), entryWithFile: () => undefined };
    const planned = ['a.txt', 'b.txt', 'c.txt'].map((name) => ({ file: new Blob(['x']), path: ['docs', name], size: 1, type: 'text/plain' }));
    s.fileManager.uploads.set([new UploadBatch({ folders: [], files: planned, totalBytes: 3 }, writer)]);
    const html = renderToStaticMarkup(<FileBrowser session={s} roomName="Room" />);
    const bars = [...html.matchAll(/<progress[^>]*aria-label="([^"]+)"/g)].map(([, label]) => label);
    expect(bars).toEqual(['Uploading 3 files', 'Uploading docs/a.txt', 'Uploading docs/b.txt', 'Uploading docs/c.txt']);
    expect(buttons(html).map((b) => b.name)).toContain('Cancel uploading 3 files');
  });

  it('confirms a delete by listing what goes, folders with everything in them', () => {
    const tree = sortTree(buildTree(items), { by: 'name', descending: false });
    const html = renderToStaticMarkup(<DeleteDialog nodes={[tree.children[0], tree.children[1]]} onDelete={async () => {}} onClose={() => {}} />);
    expect(html).toContain('Delete 2 items?');
    expect([...html.matchAll(/<li>(.*?)<\/li>/g)].map(([, t]) => t)).toEqual(['docs/', 'a.txt']);
    expect(textOf(html)).toContain('3 entries in all');
    expect(textOf(html)).toContain('cannot be undone');
  });

  it('lists the activity with local times', () => {
    const events = [{ seq: 2, at: Date.UTC(2024, 5, 1), memberId: 'ann', action: 'uploaded', entryId: 'gone', fileId: null }];
    const html = renderToStaticMarkup(<ActivityList events={events} names={{ member: () => 'Ann', entry: () => undefined }} />);
    expect(textOf(html)).toContain('Ann uploaded a deleted file');
    expect(html).toContain('dateTime="2024-06-01T00:00:00.000Z"');
  });
});

describe('the Files route', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads /rooms/{roomId}/files and nothing else', () => {
    expect(filesRoomOf('/rooms/Qx7pL2mN9vR4tY8wZ1aB3c/files')).toBe('Qx7pL2mN9vR4tY8wZ1aB3c');
    expect(filesRoomOf(filesPath('abc'))).toBe('abc');
    expect(filesRoomOf('/rooms/abc/files/x')).toBeNull();
    expect(filesRoomOf('/rooms/a%2Fb/files')).toBeNull();
    expect(filesRoomOf('/r/abc')).toBeNull();
  });

  it('says to open the invite link first when this browser has no link secret for the room', () => {
    expect(renderToStaticMarkup(<NoLinkSecretPage />)).toMatch(/<h1>Open the room&#x27;s invite link first<\/h1>/);
  });

  it('keeps the link secret next to the member credentials, and forgets it with them', () => {
    const data = new Map<string, string>();
    vi.stubGlobal('localStorage', { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) });
    const store = localStorageMemberStore;
    const secret = new Uint8Array(32).fill(9);
    store.save('room', { memberId: 'm1', memberToken: new Uint8Array([1]) });
    store.saveLinkSecret('room', secret);
    expect(store.loadLinkSecret('room')).toEqual(secret);
    expect(store.load('room')?.memberId).toBe('m1');
    expect(data.size).toBe(1); // one entry per room
    store.forget('room');
    expect(store.loadLinkSecret('room')).toBeNull();
  });
});
