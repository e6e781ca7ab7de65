// What an upload will do, decided before anything is sent: every name checked, every file and the
// whole batch measured against the server's limits, folders to make, and new names for files that
// would land on a name already taken. A plan with any problem uploads nothing.
import { formatBytes } from '../transfer';
import { folderMeta, metaProblem, type FileMeta } from './fileMeta';
import { findFolder, type FolderNode } from './fileTree';
import { nameProblem, pathKey, pathLabel, UniqueNames } from './names';

/** A file picked or dropped: its path below the destination folder, its own name last. */
export interface PickedFile {
  file: Blob;
  path: string[];
}

export interface UploadRequest {
  files: readonly PickedFile[];
  /** Folders that came without files (dropped empty folders), relative like the files. */
  folders?: readonly string[][];
  /** Where it all goes; [] is the top folder. */
  destination: readonly string[];
}

export interface UploadLimits {
  maxFileBytes: number;
  /** Unknown when the server could not say: then only the per-file limit is checked here. */
  maxRoomBytes: number | null;
  usedBytes: number | null;
}

export interface PlannedFile {
  file: Blob;
  /** The full path it is written under. */
  path: string[];
  size: number;
  type: string;
}

export interface UploadPlan {
  /** Folder entries to make first, parents before children. */
  folders: string[][];
  files: PlannedFile[];
  totalBytes: number;
}

export type PlanResult = { plan: UploadPlan; problems: [] } | { plan: null; problems: string[] };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function planUpload(request: UploadRequest, tree: FolderNode, limits: UploadLimits | null): PlanResult {
  const problems: string[] = [];
  const destination = [...request.destination];
  const nameProblems = (relative: readonly string[]) => {
    for (const name of relative) {
      const problem = nameProblem(name);
      if (problem) problems.push(`${pathLabel(relative) || '(no name)'}: ${problem}`);
    }
  };
  for (const { path } of request.files) nameProblems(path.length === 0 ? [''] : path);
  for (const path of request.folders ?? []) nameProblems(path);
  if (problems.length > 0) return { plan: null, problems };

  const files = placeFiles(request.files, destination, tree);
  if (limits) problems.push(...limitProblems(files, limits));
  const folders = foldersToMake(request, files, destination, tree);
  // The file key is not made yet: a placeholder of its length measures the meta as it will be.
  const fileMetas = files.map((f): FileMeta => ({ kind: 'file', path: f.path, type: f.type, size: f.size, key: 'k'.repeat(43) }));
  for (const meta of [...folders.map(folderMeta), ...fileMetas]) {
    const problem = metaProblem(meta);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) return { plan: null, problems };
  return { plan: { folders, files, totalBytes: files.reduce((n, f) => n + f.size, 0) }, problems: [] };
}

/** Full paths for the files; one that would take a name already in its folder gets a numbered one. */
function placeFiles(picked: readonly PickedFile[], destination: string[], tree: FolderNode): PlannedFile[] {
  const namesIn = new Map<string, UniqueNames>();
  const names = (folder: string[]) => {
    const key = pathKey(folder);
    let unique = namesIn.get(key);
    if (!unique) {
      const existing = findFolder(tree, folder)?.children.map((c) => c.name) ?? [];
      unique = new UniqueNames(existing);
      namesIn.set(key, unique);
    }
    return unique;
  };
  return picked.map(({ file, path }) => {
    const folder = [...destination, ...path.slice(0, -1)];
    const name = names(folder).claim(path[path.length - 1]);
    return { file, path: [...folder, name], size: file.size, type: file.type || 'application/octet-stream' };
  });
}

/** Files over the per-file limit, and a batch over what is left of the room's quota, in words. */
export function limitProblems(files: readonly PlannedFile[], limits: UploadLimits): string[] {
  const problems = files
    .filter((f) => f.size > limits.maxFileBytes)
    .map((f) => `${pathLabel(f.path)} is ${formatBytes(f.size)}; the limit per file is ${formatBytes(limits.maxFileBytes)}.`);
  const total = files.reduce((n, f) => n + f.size, 0);
  if (limits.maxRoomBytes !== null && limits.usedBytes !== null && total > limits.maxRoomBytes - limits.usedBytes) {
    const left = Math.max(0, limits.maxRoomBytes - limits.usedBytes);
    problems.push(
      `${files.length === 1 ? 'This file needs' : `These ${plural(files.length, 'file')} need`} ${formatBytes(total)}, but the room has ` +
        `${formatBytes(left)} left of its ${formatBytes(limits.maxRoomBytes)}. Nothing was uploaded.`,
    );
  }
  return problems;
}

/** Every folder the upload puts something in (and every dropped empty one) that has no folder entry yet. */
function foldersToMake(request: UploadRequest, files: readonly PlannedFile[], destination: string[], tree: FolderNode): string[][] {
  const wanted = new Map<string, string[]>();
  const want = (full: string[]) => {
    for (let depth = 1; depth <= full.length; depth++) {
      const path = full.slice(0, depth);
      wanted.set(pathKey(path), path);
    }
  };
  want(destination);
  for (const f of files) want(f.path.slice(0, -1));
  for (const folder of request.folders ?? []) want([...destination, ...folder]);
  return [...wanted.values()]
    .filter((path) => (findFolder(tree, path)?.entries.length ?? 0) === 0)
    .sort((a, b) => a.length - b.length);
}

/** "Uploading 3 files" / "Uploading report.pdf". */
export const uploadLabel = (files: readonly { path: string[] }[]) =>
  files.length === 1 ? `Uploading ${files[0].path.at(-1)}` : `Uploading ${plural(files.length, 'file')}`;
