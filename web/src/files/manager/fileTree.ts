// The tree of files and folders, built in the browser from the decrypted paths (the server only
// ever sees a flat list of opaque entries). Folders that only appear in paths exist implicitly;
// folder entries make empty folders exist too.
import type { Entry } from '../../wire/protocol';
import type { FileMeta } from './fileMeta';
import { pathKey } from './names';

/** An entry with its meta as this browser reads it. */
export interface RoomEntry {
  entry: Entry;
  /** Null when it cannot be read; `problem` says why. */
  meta: FileMeta | null;
  /** `no-key`: this browser holds no key of the meta's epoch; `unreadable`: it does not decrypt or parse. */
  problem: 'no-key' | 'unreadable' | null;
}

interface NodeBase {
  /** Stable across rebuilds: selection and expansion are kept by it. */
  key: string;
  name: string;
  path: string[];
  /** Plaintext bytes; a folder's is the sum of the files in it. */
  size: number;
  /** Newest change; a folder's is the newest of anything in it. */
  updatedAt: number;
  uploader: string | null;
}

export interface FolderNode extends NodeBase {
  kind: 'folder';
  /** The folder entries at this path (none for a folder that only appears in paths). */
  entries: RoomEntry[];
  children: TreeNode[];
}

export interface FileNode extends NodeBase {
  kind: 'file';
  item: RoomEntry;
}

/** An entry this browser cannot read: listed, deletable, nothing else. */
export interface LockedNode extends NodeBase {
  kind: 'locked';
  item: RoomEntry;
}

export type TreeNode = FolderNode | FileNode | LockedNode;

export type SortKey = 'name' | 'size' | 'time';
export interface SortOrder {
  by: SortKey;
  descending: boolean;
}

export const LOCKED_NAME = 'Encrypted (no key)';
export const UNREADABLE_NAME = 'Unreadable entry';

export const folderKey = (path: readonly string[]) => `d:${pathKey(path)}`;
const entryKey = (entryId: string) => `e:${entryId}`;

function folder(path: string[]): FolderNode {
  return { kind: 'folder', key: folderKey(path), name: path.at(-1) ?? '', path, size: 0, updatedAt: 0, uploader: null, entries: [], children: [] };
}

/** Builds the tree; the root is the folder with the empty path. Children are in no order yet (see `sortTree`). */
export function buildTree(items: Iterable<RoomEntry>): FolderNode {
  const root = folder([]);
  const folders = new Map<string, FolderNode>([[pathKey([]), root]]);
  const folderAt = (path: string[]): FolderNode => {
    const key = pathKey(path);
    let node = folders.get(key);
    if (!node) {
      node = folder(path);
      folders.set(key, node);
      folderAt(path.slice(0, -1)).children.push(node);
    }
    return node;
  };
  for (const item of items) {
    const { entry, meta } = item;
    const common = { size: entry.size, updatedAt: entry.updatedAt, uploader: entry.uploader };
    if (!meta) {
      const name = item.problem === 'unreadable' ? UNREADABLE_NAME : LOCKED_NAME;
      root.children.push({ kind: 'locked', key: entryKey(entry.entryId), name, path: [name], item, ...common });
    } else if (meta.kind === 'folder') {
      const node = folderAt(meta.path);
      node.entries.push(item);
      node.uploader ??= entry.uploader;
      node.updatedAt = Math.max(node.updatedAt, entry.updatedAt);
    } else {
      const name = meta.path.at(-1)!;
      folderAt(meta.path.slice(0, -1)).children.push({ kind: 'file', key: entryKey(entry.entryId), name, path: meta.path, item, ...common, size: meta.size ?? entry.size });
    }
  }
  totals(root);
  return root;
}

function totals(node: FolderNode): void {
  for (const child of node.children) {
    if (child.kind === 'folder') totals(child);
    if (child.kind === 'locked') continue;
    node.size += child.size;
    node.updatedAt = Math.max(node.updatedAt, child.updatedAt);
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const GROUP = { folder: 0, file: 1, locked: 2 } as const;

/** Folders first, then files, then unreadable entries; within each, by the chosen column. */
export function compareNodes(a: TreeNode, b: TreeNode, { by, descending }: SortOrder): number {
  const group = GROUP[a.kind] - GROUP[b.kind];
  if (group !== 0) return group;
  const byName = collator.compare(a.name, b.name);
  const primary = by === 'size' ? a.size - b.size : by === 'time' ? a.updatedAt - b.updatedAt : byName;
  const ordered = (descending ? -primary : primary) || byName || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return ordered;
}

/** A copy of the tree with every folder's children in `order`. */
export function sortTree(node: FolderNode, order: SortOrder): FolderNode {
  const children = node.children.map((c) => (c.kind === 'folder' ? sortTree(c, order) : c)).sort((a, b) => compareNodes(a, b, order));
  return { ...node, children };
}

export interface TreeRow {
  node: TreeNode;
  /** 1 for the top level. */
  level: number;
  expanded: boolean;
  /** Position among its siblings, from 1, and how many siblings there are. */
  position: number;
  siblings: number;
}

/** The rows a sorted tree shows with these folders open: a folder's rows follow it while it is open. */
export function visibleRows(root: FolderNode, expanded: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (node: FolderNode, level: number) =>
    node.children.forEach((child, i) => {
      const open = child.kind === 'folder' && expanded.has(child.key);
      rows.push({ node: child, level, expanded: open, position: i + 1, siblings: node.children.length });
      if (open) walk(child as FolderNode, level + 1);
    });
  walk(root, 1);
  return rows;
}

/** Every node in the tree, depth first, the root left out. */
export function allNodes(root: FolderNode): TreeNode[] {
  return root.children.flatMap((c) => (c.kind === 'folder' ? [c, ...allNodes(c)] : [c]));
}

/** Every entry a node stands for: a folder's own entries and everything inside it. */
export function entriesUnder(node: TreeNode): RoomEntry[] {
  if (node.kind !== 'folder') return [node.item];
  return [...node.entries, ...node.children.flatMap(entriesUnder)];
}

/** The folder at `path`, if the tree has one. */
export function findFolder(root: FolderNode, path: readonly string[]): FolderNode | null {
  let node: FolderNode | undefined = root;
  for (const name of path) {
    node = node.children.find((c): c is FolderNode => c.kind === 'folder' && c.name === name);
    if (!node) return null;
  }
  return node;
}

/** Every folder's path, the root first, parents before their children. */
export function folderPaths(root: FolderNode): string[][] {
  return [root.path, ...allNodes(root).filter((n) => n.kind === 'folder').map((n) => n.path)];
}

/** The nodes picked, without those already inside a picked folder (they go with it). */
export function topmost(nodes: readonly TreeNode[]): TreeNode[] {
  const folders = nodes.filter((n): n is FolderNode => n.kind === 'folder').map((n) => n.path);
  const inside = (n: TreeNode) =>
    n.kind !== 'locked' && folders.some((f) => f.length < n.path.length && f.every((s, i) => s === n.path[i]));
  return nodes.filter((n) => !inside(n));
}
