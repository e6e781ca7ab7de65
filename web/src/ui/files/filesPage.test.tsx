// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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
import { installDialogMethods } from '../testDom';

const ALL: Abilities = { shareFiles: true, protectRoom: true, nameRoom: true };
const localTime = (ms: number) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);

afterEach(cleanup);
beforeAll(installDialogMethods);

const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;
/** The table row whose row header is this entry's name. */
const rowOf = (name: string) => screen.getAllByRole('row').find((row) => within(row).queryByRole('rowheader', { name }))!;
/** Every element of a role, checking they are exactly the ones with these names, in this order. */
function expectNamed(role: string, names: string[], container: HTMLElement = document.body) {
  expect(within(container).getAllByRole(role)).toEqual(names.map((name) => within(container).getByRole(role, { name })));
}

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
  const renderBrowser = (abilities: Abilities = ALL) => render(<FileBrowser session={session(items, abilities)} roomName="Room" />);

  it('names every control: upload, new folder, selection, sorting and each row', () => {
    renderBrowser();
    const toolbar = ['Upload files', 'Upload folder', 'New folder', 'Download selected', 'Download all', 'Move selected', 'Delete selected'];
    expect(screen.getAllByRole('button').slice(0, 7)).toEqual(toolbar.map(button));
    for (const name of ['Name', 'Size', 'Modified', 'docs']) expect(button(name)).toBeTruthy();
    for (const name of ['Download a.txt', 'Rename a.txt', 'Update a.txt', 'Delete a.txt', 'Download docs/', 'Rename docs/', 'Delete docs/']) {
      expect(button(name)).toBeTruthy();
    }
    expect(screen.queryByRole('button', { name: 'Update docs/' })).toBeNull(); // folders have no versions
    expectNamed('checkbox', ['Select all', 'Select docs/', 'Select a.txt', 'Select mine.txt', 'Select Encrypted (no key)']);
    expectNamed('combobox', ['Upload into', 'Move to']);
  });

  it('opens a file picker for Upload files and a folder picker for Upload folder', () => {
    renderBrowser();
    const pick = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => {});
    fireEvent.click(button('Upload files'));
    fireEvent.click(button('Upload folder'));
    const [files, folder] = pick.mock.contexts as HTMLInputElement[];
    expect([files.type, files.multiple, files.hasAttribute('webkitdirectory')]).toEqual(['file', true, false]);
    // webkitdirectory makes the browser's picker choose a whole folder.
    expect([folder.type, folder.hasAttribute('webkitdirectory')]).toEqual(['file', true]);
    pick.mockRestore();
  });

  it('marks the sorted column and the folder rows as expandable', () => {
    renderBrowser();
    const sortOf = (name: string) => screen.getByRole('columnheader', { name }).getAttribute('aria-sort');
    expect([sortOf('Name'), sortOf('Size'), sortOf('Modified')]).toEqual(['ascending', null, null]);
    expect(button('docs').getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByText('inner.txt')).toBeNull(); // closed folders show no rows

    fireEvent.click(button('docs'));
    expect(button('docs').getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('rowheader', { name: 'inner.txt' })).toBeTruthy();

    fireEvent.click(button('Size')); // a new column starts largest first
    expect([sortOf('Name'), sortOf('Size')]).toEqual([null, 'descending']);
  });

  it('shows size, uploader by name (or a short id) and the time in the local zone', () => {
    renderBrowser();
    const cells = within(rowOf('a.txt')).getAllByRole('cell').map((c) => c.textContent);
    expect(cells).toEqual(expect.arrayContaining(['2 KB', 'Ann', localTime(Date.UTC(2024, 0, 2, 3, 4))]));
    const time = within(rowOf('a.txt')).getByText(localTime(Date.UTC(2024, 0, 2, 3, 4))) as HTMLTimeElement;
    expect(time.dateTime).toBe('2024-01-02T03:04:00.000Z');
    expect(within(rowOf('mine.txt')).getAllByRole('cell').map((c) => c.textContent)).toContain('You');
    expect(shortMember('3f9a2c77')).toBe('Member 3f9a2c');
  });

  it('shows unreadable entries as rows that can only be deleted', () => {
    renderBrowser();
    expectNamed('button', ['Delete Encrypted (no key)'], rowOf('Encrypted (no key)'));
  });

  it('lets guests list and download but disables writing, saying why', () => {
    renderBrowser(GUEST);
    const hint = screen.getByText('Sign in to share files');
    for (const name of ['Upload files', 'Upload folder', 'New folder', 'Rename a.txt', 'Update a.txt', 'Delete a.txt']) {
      expect([button(name).disabled, button(name).getAttribute('aria-describedby')]).toEqual([true, hint.id]);
    }
    expect(screen.getByRole('button', { name: 'Upload files', description: 'Sign in to share files' })).toBe(button('Upload files'));
    expect(button('Download a.txt').disabled).toBe(false);
    expect(button('Download all').disabled).toBe(false);
  });

  it('selecting a row counts it and lets the selection be downloaded, moved and deleted', () => {
    renderBrowser();
    expect(['Download selected', 'Move selected', 'Delete selected'].map((name) => button(name).disabled)).toEqual([true, true, true]);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select a.txt' }));
    expect(screen.getByText('1 selected')).toBeTruthy();
    expect(['Download selected', 'Move selected', 'Delete selected'].map((name) => button(name).disabled)).toEqual([false, false, false]);
    fireEvent.click(button('Delete selected'));
    expect(screen.getByRole('dialog', { name: 'Delete a.txt?' })).toBeTruthy();
  });

  it('shows one overall progress bar per upload and one per file', () => {
    const s = session([]);
    const writer = { api: s.fileManager['options'].api, write: () => new Promise<never>(() => {}), entryWithFile: () => undefined };
    const planned = ['a.txt', 'b.txt', 'c.txt'].map((name) => ({ file: new Blob(['x']), path: ['docs', name], size: 1, type: 'text/plain' }));
    s.fileManager.uploads.set([new UploadBatch({ folders: [], files: planned, totalBytes: 3 }, writer)]);
    render(<FileBrowser session={s} roomName="Room" />);
    expectNamed('progressbar', ['Uploading 3 files', 'Uploading docs/a.txt', 'Uploading docs/b.txt', 'Uploading docs/c.txt']);
    expect(button('Cancel uploading 3 files')).toBeTruthy();
  });

  it('confirms a delete by listing what goes, folders with everything in them', () => {
    const tree = sortTree(buildTree(items), { by: 'name', descending: false });
    const onDelete = vi.fn(async () => {});
    render(<DeleteDialog nodes={[tree.children[0], tree.children[1]]} onDelete={onDelete} onClose={() => {}} />);
    const dialog = screen.getByRole('dialog', { name: 'Delete 2 items?' });
    expect(within(dialog).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['docs/', 'a.txt']);
    expect(dialog.textContent).toContain('3 entries in all');
    expect(dialog.textContent).toContain('cannot be undone');
    expect(onDelete).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(onDelete).toHaveBeenCalledOnce();
  });

  it('lists the activity with local times', () => {
    const events = [{ seq: 2, at: Date.UTC(2024, 5, 1), memberId: 'ann', action: 'uploaded', entryId: 'gone', fileId: null }];
    render(<ActivityList events={events} names={{ member: () => 'Ann', entry: () => undefined }} />);
    const [item] = screen.getAllByRole('listitem');
    expect(within(item).getByText('Ann uploaded a deleted file')).toBeTruthy();
    expect((within(item).getByText(localTime(Date.UTC(2024, 5, 1))) as HTMLTimeElement).dateTime).toBe('2024-06-01T00:00:00.000Z');
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
    render(<NoLinkSecretPage />);
    expect(screen.getByRole('heading', { level: 1, name: "Open the room's invite link first" })).toBeTruthy();
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
