import { planDelete } from '../../files/manager/entryEdits';
import type { TreeNode } from '../../files/manager/fileTree';
import { ConfirmDialog } from '../ConfirmDialog';

/** Lists exactly what goes (folders with everything in them); there is no undo. */
export function DeleteDialog({ nodes, onDelete, onClose }: { nodes: readonly TreeNode[]; onDelete(): Promise<void>; onClose(): void }) {
  const { labels, entryIds } = planDelete(nodes);
  const title = labels.length === 1 ? `Delete ${labels[0]}?` : `Delete ${labels.length} items?`;
  return (
    <ConfirmDialog title={title} confirmLabel="Delete" onConfirm={onDelete} onClose={onClose}>
      <p>
        This deletes {entryIds.length === labels.length ? 'these' : `these, with everything in the folders (${entryIds.length} entries in all),`} for
        everyone in the room. It cannot be undone.
      </p>
      <ul className="delete-list">
        {labels.map((label) => (
          <li key={label}>{label}</li>
        ))}
      </ul>
    </ConfirmDialog>
  );
}
