import { describe, expect, it } from 'vitest';
import { decodeFileMeta, encodeFileMeta, metaProblem, type FileMeta } from './fileMeta';
import {
  buildTree,
  entriesUnder,
  findFolder,
  folderKey,
  folderPaths,
  LOCKED_NAME,
  sortTree,
  topmost,
  UNREADABLE_NAME,
  visibleRows,
  type FolderNode,
  type SortOrder,
  type TreeNode,
} from './fileTree';
import { fileAt, folderAt, locked } from './testing/entries';

const names = (node: FolderNode) => node.children.map((c) => (c.kind === 'folder' ? `${c.name}/` : c.name));
const byName: SortOrder = { by: 'name', descending: false };

describe('the tree built from decrypted paths', () => {
  const items = [
    fileAt('docs/img/logo.png', 300, { updatedAt: 5000 }),
    fileAt('docs/readme.md', 20, { updatedAt: 2000 }),
    folderAt('docs'),
    folderAt('empty'),
    folderAt('empty/deeper'),
    fileAt('a.txt', 7, { updatedAt: 9000 }),
  ];

  it('nests files under their folders, implicit ones included, and keeps empty folders', () => {
    const tree = sortTree(buildTree(items), byName);
    expect(names(tree)).toEqual(['docs/', 'empty/', 'a.txt']);
    const docs = findFolder(tree, ['docs'])!;
    expect(names(docs)).toEqual(['img/', 'readme.md']);
    expect(docs.entries).toHaveLength(1); // the folder entry
    const img = findFolder(tree, ['docs', 'img'])!;
    expect(img.entries).toEqual([]); // only in a path: implicit
    expect(names(img)).toEqual(['logo.png']);
    expect(names(findFolder(tree, ['empty'])!)).toEqual(['deeper/']);
    expect(findFolder(tree, ['empty', 'deeper'])!.children).toEqual([]);
  });

  it('gives a folder the sum of its sizes and its newest time', () => {
    const tree = buildTree(items);
    expect(findFolder(tree, ['docs'])).toMatchObject({ size: 320, updatedAt: 5000 });
    expect(tree.size).toBe(327);
  });

  it('sorts folders first, then by name (numbers as people count them), size or time, either way', () => {
    const tree = buildTree([fileAt('file10.txt', 1, { updatedAt: 3 }), fileAt('file9.txt', 50, { updatedAt: 1 }), fileAt('B.txt', 9, { updatedAt: 2 }), folderAt('zeta')]);
    expect(names(sortTree(tree, byName))).toEqual(['zeta/', 'B.txt', 'file9.txt', 'file10.txt']);
    expect(names(sortTree(tree, { by: 'name', descending: true }))).toEqual(['zeta/', 'file10.txt', 'file9.txt', 'B.txt']);
    expect(names(sortTree(tree, { by: 'size', descending: true }))).toEqual(['zeta/', 'file9.txt', 'B.txt', 'file10.txt']);
    expect(names(sortTree(tree, { by: 'time', descending: false }))).toEqual(['zeta/', 'file9.txt', 'B.txt', 'file10.txt']);
  });

  it('lists entries it cannot read as their own rows at the end, not as errors', () => {
    const tree = sortTree(buildTree([locked('no-key'), fileAt('a.txt'), locked('unreadable')]), byName);
    expect(tree.children.map((c) => [c.kind, c.name])).toEqual([
      ['file', 'a.txt'],
      ['locked', LOCKED_NAME],
      ['locked', UNREADABLE_NAME],
    ]);
  });

  it('shows the rows of open folders only, with their level and place among siblings', () => {
    const tree = sortTree(buildTree(items), byName);
    const closed = visibleRows(tree, new Set());
    expect(closed.map((r) => r.node.name)).toEqual(['docs', 'empty', 'a.txt']);
    const open = visibleRows(tree, new Set([folderKey(['docs']), folderKey(['docs', 'img'])]));
    expect(open.map((r) => `${r.level}:${r.node.name}:${r.position}/${r.siblings}`)).toEqual([
      '1:docs:1/3',
      '2:img:1/2',
      '3:logo.png:1/1',
      '2:readme.md:2/2',
      '1:empty:2/3',
      '1:a.txt:3/3',
    ]);
    expect(open[0].expanded).toBe(true);
  });

  it('knows every folder, and what a pick of nodes stands for', () => {
    const tree = sortTree(buildTree(items), byName);
    expect(folderPaths(tree)).toEqual([[], ['docs'], ['docs', 'img'], ['empty'], ['empty', 'deeper']]);
    const docs = findFolder(tree, ['docs'])!;
    const readme = docs.children.find((c) => c.name === 'readme.md') as TreeNode;
    expect(topmost([readme, docs])).toEqual([docs]);
    expect(entriesUnder(docs).map((i) => i.meta!.path.join('/'))).toEqual(['docs', 'docs/img/logo.png', 'docs/readme.md']);
  });
});

describe('file-meta', () => {
  const file: FileMeta = { kind: 'file', path: ['docs', 'a.txt'], type: 'text/plain', size: 3, key: 'A'.repeat(43) };

  it('round-trips, and reads folders with no file fields', () => {
    expect(decodeFileMeta(encodeFileMeta(file))).toEqual(file);
    const folder: FileMeta = { kind: 'folder', path: ['docs'], type: null, size: null, key: null };
    expect(decodeFileMeta(encodeFileMeta(folder))).toEqual(folder);
  });

  it('reads hostile paths as the ordinary names in them, and refuses what has none or no key', () => {
    const read = (m: object) => decodeFileMeta(new TextEncoder().encode(JSON.stringify({ v: 1, ...m })));
    const bad = (m: object) => () => read(m);
    expect(read({ ...file, path: ['..', '..', 'evil.txt'] }).path).toEqual(['evil.txt']);
    expect(read({ ...file, path: ['../../evil.txt'] }).path).toEqual(['evil.txt']);
    expect(read({ ...file, path: ['C:\\', 'Windows', 'x.dll'] }).path).toEqual(['Windows', 'x.dll']);
    expect(read({ ...file, path: ['a/b'] }).path).toEqual(['a', 'b']);
    expect(bad({ ...file, path: ['..', '/'] })).toThrow(/path/);
    expect(bad({ ...file, path: [] })).toThrow(/path/);
    expect(bad({ ...file, path: [42] })).toThrow(/path/);
    expect(bad({ ...file, key: null })).toThrow(/key/);
    expect(bad({ ...file, kind: 'link' })).toThrow(/kind/);
  });

  it('says when a path is too long for the server', () => {
    expect(metaProblem(file)).toBeNull();
    const deep = { ...file, path: Array.from({ length: 20 }, () => 'x'.repeat(250)) };
    expect(metaProblem(deep)).toMatch(/too long/);
  });
});
