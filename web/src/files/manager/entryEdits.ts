// Renames, moves, new folders and deletes, planned against the tree before anything is sent. A
// rename or move rewrites the paths in the metas of every entry it touches (meta-only PutEntry):
// folders are only paths, so moving a folder moves each entry inside it.
import { LIMITS } from '../../wire/limits';
import type { Entry } from '../../wire/protocol';
import { errorText } from '../../wire/refusalWords';
import type { FileMeta } from './fileMeta';
import { entriesUnder, findFolder, topmost, type FolderNode, type RoomEntry, type TreeNode } from './fileTree';
import { folderLabel, isWithin, nameProblem, pathLabel } from './names';

export interface PathChange {
  item: RoomEntry;
  meta: FileMeta;
}

export type EditPlan = { changes: PathChange[]; problem: null } | { changes: null; problem: string };

const refuse = (problem: string): EditPlan => ({ changes: null, problem });

/** How a node is named in messages: folders end with a slash. */
export const nodeLabel = (node: TreeNode) => (node.kind === 'folder' ? `${pathLabel(node.path)}/` : node.kind === 'locked' ? node.name : pathLabel(node.path));

function taken(tree: FolderNode, folder: readonly string[], name: string, except: readonly TreeNode[] = []): boolean {
  return (findFolder(tree, folder)?.children ?? []).some((c) => c.kind !== 'locked' && c.name === name && !except.includes(c));
}

/** Every entry of `node` with the node's own path prefix replaced by `to`. */
function moved(node: TreeNode, to: string[]): PathChange[] {
  return entriesUnder(node).flatMap((item) =>
    item.meta ? [{ item, meta: { ...item.meta, path: [...to, ...item.meta.path.slice(node.path.length)] } }] : [],
  );
}

export function planRename(tree: FolderNode, node: TreeNode, name: string): EditPlan {
  if (node.kind === 'locked') return refuse('This entry cannot be read here, so it cannot be renamed.');
  const problem = nameProblem(name);
  if (problem) return refuse(problem);
  if (name === node.name) return { changes: [], problem: null };
  const parent = node.path.slice(0, -1);
  if (taken(tree, parent, name, [node])) return refuse(`${folderLabel(parent)} already has something named ${name}.`);
  return { changes: moved(node, [...parent, name]), problem: null };
}

export function planMove(tree: FolderNode, nodes: readonly TreeNode[], destination: readonly string[]): EditPlan {
  const moving = topmost(nodes);
  if (moving.some((n) => n.kind === 'locked')) return refuse('Entries that cannot be read here cannot be moved.');
  const changes: PathChange[] = [];
  const names = new Set<string>();
  for (const node of moving) {
    if (node.kind === 'folder' && isWithin(destination, node.path)) return refuse(`${nodeLabel(node)} cannot move into itself.`);
    const parent = node.path.slice(0, -1);
    if (parent.length === destination.length && isWithin(parent, destination)) continue; // already there
    if (names.has(node.name) || taken(tree, destination, node.name, moving)) {
      return refuse(`${folderLabel(destination)} already has something named ${node.name}.`);
    }
    names.add(node.name);
    changes.push(...moved(node, [...destination, node.name]));
  }
  return { changes, problem: null };
}

export function newFolderProblem(tree: FolderNode, parent: readonly string[], name: string): string | null {
  return nameProblem(name) ?? (taken(tree, parent, name) ? `${folderLabel(parent)} already has something named ${name}.` : null);
}

export type MetaWrite = (meta: FileMeta, target: { entryId: string | null; fileId: string | null; expectedVersion: number }) => Promise<Entry>;

/** Writes the new metas, a few at a time; returns what failed, in words. */
export async function applyChanges(write: MetaWrite, changes: readonly PathChange[], parallel = 4): Promise<string[]> {
  const queue = [...changes];
  const failed: string[] = [];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const { entry } = c.item;
      try {
        await write(c.meta, { entryId: entry.entryId, fileId: null, expectedVersion: entry.version });
      } catch (error) {
        failed.push(`${pathLabel(c.item.meta?.path ?? [])}: ${errorText(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return failed;
}

export interface DeletePlan {
  entryIds: string[];
  /** What the person picked, as they read it: `a.txt`, `docs/`. */
  labels: string[];
}

export function planDelete(nodes: readonly TreeNode[]): DeletePlan {
  const picked = topmost(nodes);
  const ids = new Set(picked.flatMap(entriesUnder).map((i) => i.entry.entryId));
  return { entryIds: [...ids], labels: picked.map(nodeLabel) };
}

/** Deletes in batches the server takes (at most LIMITS.maxEntryDeletes ids a call); resolves to how many went. */
export async function deleteAll(deleteEntries: (ids: string[]) => Promise<number>, entryIds: readonly string[]): Promise<number> {
  let gone = 0;
  for (let at = 0; at < entryIds.length; at += LIMITS.maxEntryDeletes) gone += await deleteEntries(entryIds.slice(at, at + LIMITS.maxEntryDeletes));
  return gone;
}

/** "Deleted 3 items: a.txt, b.txt, docs/" — the names as picked, the first twenty of them. */
export function deletedText(labels: readonly string[]): string {
  const shown = labels.slice(0, 20).join(', ');
  const rest = labels.length > 20 ? ` and ${labels.length - 20} more` : '';
  return `Deleted ${labels.length} ${labels.length === 1 ? 'item' : 'items'}: ${shown}${rest}`;
}
