import type { KeyboardEvent } from 'react';
import { nodeLabel } from '../../files/manager/entryEdits';
import type { SortKey, SortOrder, TreeNode, TreeRow } from '../../files/manager/fileTree';
import { formatBytes } from '../../files/transfer';
import { formatDateTime, isoTime } from './format';

export interface RowActions {
  /** Not given: the member may not share files, and the controls are disabled. */
  canShare: boolean;
  /** Id of the "Sign in to share files" note, for the disabled controls' description. */
  shareHintId: string;
  onDownload(node: TreeNode): void;
  onRename(node: TreeNode): void;
  onUpdate(node: TreeNode): void;
  onDelete(node: TreeNode): void;
}

export interface FileTableProps extends RowActions {
  rows: readonly TreeRow[];
  sort: SortOrder;
  onSort(by: SortKey): void;
  selected: ReadonlySet<string>;
  onSelect(node: TreeNode, selected: boolean): void;
  allSelected: boolean;
  onSelectAll(selected: boolean): void;
  onToggle(node: TreeNode, open: boolean): void;
  uploaderName(memberId: string): string;
}

function SortHeader({ by, label, sort, onSort }: { by: SortKey; label: string; sort: SortOrder; onSort(by: SortKey): void }) {
  const active = sort.by === by;
  return (
    <th scope="col" aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : undefined} className={`col-${by}`}>
      <button type="button" className="sort" onClick={() => onSort(by)}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
        </span>
      </button>
    </th>
  );
}

/**
 * The tree as a table with expandable rows: native table semantics (rows, column headers, sort
 * state) are what screen readers handle best, and every control in a row is an ordinary button or
 * checkbox in the tab order. A folder's name is its disclosure button (arrow keys open and close it too).
 */
export function FileTable(props: FileTableProps) {
  const { rows, sort, onSort, allSelected, onSelectAll } = props;
  return (
    <table className="file-table">
      <caption className="visually-hidden">Files and folders of this room</caption>
      <thead>
        <tr>
          <th scope="col" className="col-select">
            <input type="checkbox" aria-label="Select all" checked={allSelected} disabled={rows.length === 0} onChange={(e) => onSelectAll(e.target.checked)} />
          </th>
          <SortHeader by="name" label="Name" sort={sort} onSort={onSort} />
          <SortHeader by="size" label="Size" sort={sort} onSort={onSort} />
          <th scope="col" className="col-uploader">
            Uploaded by
          </th>
          <SortHeader by="time" label="Modified" sort={sort} onSort={onSort} />
          <th scope="col" className="col-actions">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <FileRow key={row.node.key} row={row} {...props} />
        ))}
      </tbody>
    </table>
  );
}

function FileRow({ row, selected, onSelect, onToggle, uploaderName, ...actions }: FileTableProps & { row: TreeRow }) {
  const { node, level, expanded } = row;
  const label = nodeLabel(node);
  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'ArrowRight' && !expanded) onToggle(node, true);
    else if (event.key === 'ArrowLeft' && expanded) onToggle(node, false);
    else return;
    event.preventDefault();
  }
  return (
    <tr className={`row-${node.kind}`}>
      <td className="col-select">
        <input type="checkbox" aria-label={`Select ${label}`} checked={selected.has(node.key)} onChange={(e) => onSelect(node, e.target.checked)} />
      </td>
      <th scope="row" className="col-name" style={{ paddingInlineStart: `${0.5 + (level - 1) * 1.25}rem` }}>
        {node.kind === 'folder' ? (
          <button type="button" className="folder-toggle" aria-expanded={expanded} onClick={() => onToggle(node, !expanded)} onKeyDown={onKeyDown}>
            <span aria-hidden="true" className="twisty">
              {expanded ? '▾' : '▸'}
            </span>
            {node.name}
          </button>
        ) : (
          <span className={node.kind === 'locked' ? 'locked-name' : 'entry-name'}>
            {node.name}
          </span>
        )}
      </th>
      <td className="col-size">{formatBytes(node.size)}</td>
      <td className="col-uploader">{node.uploader ? uploaderName(node.uploader) : ''}</td>
      <td className="col-time">{node.updatedAt > 0 && <time dateTime={isoTime(node.updatedAt)}>{formatDateTime(node.updatedAt)}</time>}</td>
      <td className="col-actions">
        <RowButtons node={node} label={label} {...actions} />
      </td>
    </tr>
  );
}

function RowButtons({ node, label, canShare, shareHintId, onDownload, onRename, onUpdate, onDelete }: RowActions & { node: TreeNode; label: string }) {
  const locked = node.kind === 'locked';
  const writing = { disabled: !canShare, 'aria-describedby': canShare ? undefined : shareHintId };
  return (
    <span className="row-buttons">
      {!locked && (
        <button type="button" className="small" aria-label={`Download ${label}`} onClick={() => onDownload(node)}>
          Download
        </button>
      )}
      {!locked && (
        <button type="button" className="small" aria-label={`Rename ${label}`} onClick={() => onRename(node)} {...writing}>
          Rename
        </button>
      )}
      {node.kind === 'file' && (
        <button type="button" className="small" aria-label={`Update ${label}`} onClick={() => onUpdate(node)} {...writing}>
          Update
        </button>
      )}
      <button type="button" className="small danger" aria-label={`Delete ${label}`} onClick={() => onDelete(node)} {...writing}>
        Delete
      </button>
    </span>
  );
}
