import { describe, expect, it } from 'vitest';
import { buildTree } from './fileTree';
import { nameProblem, UniqueNames, zipPath } from './names';
import { pickedFromInput, walkDropped, type DroppedEntry } from './pickedFiles';
import { fileAt, folderAt } from './testing/entries';
import { planUpload, uploadLabel, type UploadLimits } from './uploadPlan';

const MB = 1024 * 1024;
const blob = (size: number, type = 'text/plain') => ({ size, type }) as Blob;
const limits: UploadLimits = { maxFileBytes: 100 * MB, maxRoomBytes: 1024 * MB, usedBytes: 900 * MB };

describe('names', () => {
  it('accepts ordinary names and refuses what a path cannot hold', () => {
    expect(nameProblem('report (final).pdf')).toBeNull();
    expect(nameProblem('x'.repeat(255))).toBeNull();
    expect(nameProblem('')).toMatch(/empty/);
    expect(nameProblem('x'.repeat(256))).toMatch(/255/);
    expect(nameProblem('.')).toMatch(/"\."/);
    expect(nameProblem('..')).toMatch(/"\.\."/);
    expect(nameProblem('a/b')).toMatch(/\//);
    expect(nameProblem('a\\b')).toMatch(/\\/);
    expect(nameProblem('a\u0007b')).toMatch(/control/);
  });

  it.each([
    [['../../evil.txt'], 'evil.txt'],
    [['/abs'], 'abs'],
    [['C:\\x'], 'x'],
    [['a/../../b'], 'a/b'],
    [['docs', '..', 'evil.txt'], 'docs/evil.txt'],
    [['..\\..\\windows', 'system32'], 'windows/system32'],
    [['a\u0000b\u001f.txt'], 'ab.txt'],
    [['D:', 'x:y.txt'], 'x_y.txt'],
    [['..', '.', ''], 'file'],
  ])('makes %j the harmless zip name %s', (path, expected) => {
    const name = zipPath(path);
    expect(name).toBe(expected);
    expect(name).not.toMatch(/^\/|\\|(^|\/)\.\.(\/|$)|^[A-Za-z]:|[\u0000-\u001f]/);
  });

  it('numbers names already taken, ignoring case, the extension last', () => {
    const unique = new UniqueNames(['Report.pdf']);
    expect([unique.claim('report.pdf'), unique.claim('report.pdf'), unique.claim('notes'), unique.claim('notes')]).toEqual([
      'report (2).pdf',
      'report (3).pdf',
      'notes',
      'notes (2)',
    ]);
  });
});

describe('upload planning', () => {
  const tree = buildTree([folderAt('docs'), fileAt('docs/a.txt'), fileAt('img/logo.png')]);

  it('places files under the destination, makes the folders that have no entry yet, parents first', () => {
    const { plan } = planUpload(
      { files: [{ file: blob(5), path: ['shots', 'day1', 'x.png'] }, { file: blob(3), path: ['b.txt'] }], folders: [['shots', 'empty']], destination: ['img'] },
      tree,
      limits,
    );
    expect(plan!.files.map((f) => f.path.join('/'))).toEqual(['img/shots/day1/x.png', 'img/b.txt']);
    // img only exists implicitly (in a path): it gets its folder entry now.
    expect(plan!.folders.map((f) => f.join('/'))).toEqual(['img', 'img/shots', 'img/shots/day1', 'img/shots/empty']);
    expect(plan!.totalBytes).toBe(8);
  });

  it('gives a file whose name is taken in its folder a numbered name instead of replacing anything', () => {
    const { plan } = planUpload({ files: [{ file: blob(1), path: ['a.txt'] }, { file: blob(1), path: ['A.txt'] }], destination: ['docs'] }, tree, limits);
    expect(plan!.files.map((f) => f.path.join('/'))).toEqual(['docs/a (2).txt', 'docs/A (3).txt']);
    expect(plan!.folders).toEqual([]);
  });

  it('refuses files over the per-file limit by name, and uploads nothing', () => {
    const result = planUpload({ files: [{ file: blob(240 * MB), path: ['big.iso'] }, { file: blob(1), path: ['ok.txt'] }], destination: [] }, tree, limits);
    expect(result.plan).toBeNull();
    expect(result.problems).toEqual([
      'big.iso is 240 MB; the limit per file is 100 MB.',
      'These 2 files need 240 MB, but the room has 124 MB left of its 1 GB. Nothing was uploaded.',
    ]);
  });

  it('refuses a batch the room has no room left for, saying how much is left', () => {
    const result = planUpload({ files: [{ file: blob(80 * MB), path: ['a.bin'] }, { file: blob(80 * MB), path: ['b.bin'] }], destination: [] }, tree, limits);
    expect(result.problems).toEqual(['These 2 files need 160 MB, but the room has 124 MB left of its 1 GB. Nothing was uploaded.']);
  });

  it('checks only the per-file limit when the room usage is unknown', () => {
    const unknown = { maxFileBytes: 100 * MB, maxRoomBytes: null, usedBytes: null };
    expect(planUpload({ files: [{ file: blob(90 * MB), path: ['a.bin'] }, { file: blob(90 * MB), path: ['b.bin'] }], destination: [] }, tree, unknown).problems).toEqual([]);
  });

  it('refuses names no browser may write', () => {
    expect(planUpload({ files: [{ file: blob(1), path: ['bad\u0001name'] }], destination: [] }, tree, limits).problems).toEqual([
      'bad\u0001name: A name cannot contain control characters.',
    ]);
  });

  it('names the overall progress bar', () => {
    expect(uploadLabel([{ path: ['a', 'b.txt'] }])).toBe('Uploading b.txt');
    expect(uploadLabel([{ path: ['a'] }, { path: ['b'] }, { path: ['c'] }])).toBe('Uploading 3 files');
  });
});

describe('picked and dropped files', () => {
  const file = (name: string, relative = '') => Object.assign(new File(['x'], name), { webkitRelativePath: relative }) as File;

  it('reads the folder picker relative paths, and plain picks as names', () => {
    const picked = pickedFromInput([file('a.txt', 'trip/day1/a.txt'), file('b.txt')]);
    expect(picked.map((p) => p.path)).toEqual([['trip', 'day1', 'a.txt'], ['b.txt']]);
  });

  it('walks dropped folders in batches, keeping the tree and empty folders', async () => {
    const fileEntry = (name: string): DroppedEntry => ({ isFile: true, isDirectory: false, name, file: (ok) => ok(new File([name], name)) });
    const dir = (name: string, children: DroppedEntry[]): DroppedEntry => ({
      isFile: false,
      isDirectory: true,
      name,
      createReader: () => {
        const batches = [children.slice(0, 2), children.slice(2), []];
        return { readEntries: (ok) => ok(batches.shift() ?? []) };
      },
    });
    const dropped = await walkDropped([dir('trip', [fileEntry('a.txt'), dir('empty', []), fileEntry('b.txt'), dir('day1', [fileEntry('c.txt')])]), fileEntry('loose.txt')]);
    expect(dropped.files.map((f) => f.path.join('/'))).toEqual(['trip/a.txt', 'trip/b.txt', 'trip/day1/c.txt', 'loose.txt']);
    expect(dropped.folders).toEqual([['trip', 'empty']]);
  });
});
