import { useId, useRef, useState, type ChangeEvent } from 'react';
import { SIGN_IN_TO_SHARE_FILES } from '../../accounts/abilities';
import { folderLabel, pathKey } from '../../files/manager/names';

export interface FileToolbarProps {
  canShare: boolean;
  shareHintId: string;
  /** Every folder's path, the top folder first. */
  folders: readonly string[][];
  destination: readonly string[];
  onDestination(path: string[]): void;
  onUpload(files: File[]): void;
  onNewFolder(): void;
  selectedCount: number;
  hasFiles: boolean;
  onDownloadSelected(): void;
  onDownloadAll(): void;
  onMoveSelected(destination: string[]): void;
  onDeleteSelected(): void;
}

/** `/` for the top folder, `docs/img/` for the others. */
const folderOption = (path: readonly string[]) => (path.length === 0 ? '/ (top folder)' : folderLabel(path));

function FolderSelect({ label, folders, value, onChange }: { label: string; folders: readonly string[][]; value: readonly string[]; onChange(path: string[]): void }) {
  const id = useId();
  const byKey = new Map(folders.map((f) => [pathKey(f), f]));
  return (
    <span className="folder-select">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={pathKey(value)} onChange={(e) => onChange(byKey.get(e.target.value) ?? [])}>
        {folders.map((f) => (
          <option key={pathKey(f)} value={pathKey(f)}>
            {folderOption(f)}
          </option>
        ))}
      </select>
    </span>
  );
}

/**
 * Upload (files, a whole folder), new folder, and what to do with the selection. Members without
 * the sharing ability see the controls disabled, with the reason next to them.
 */
export function FileToolbar(props: FileToolbarProps) {
  const { canShare, shareHintId, folders, destination, selectedCount } = props;
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const [moveTo, setMoveTo] = useState<string[]>([]);
  const writing = { disabled: !canShare, 'aria-describedby': canShare ? undefined : shareHintId };
  const none = selectedCount === 0;

  function picked(event: ChangeEvent<HTMLInputElement>) {
    const files = [...(event.target.files ?? [])];
    event.target.value = ''; // the same files may be picked again later
    if (files.length > 0) props.onUpload(files);
  }

  return (
    <div className="files-toolbar">
      <div role="group" aria-label="Upload" className="toolbar-group">
        <button type="button" onClick={() => filesInput.current?.click()} {...writing}>
          Upload files
        </button>
        <input ref={filesInput} type="file" multiple hidden tabIndex={-1} aria-hidden="true" onChange={picked} />
        <button type="button" onClick={() => folderInput.current?.click()} {...writing}>
          Upload folder
        </button>
        {/* webkitdirectory: the folder picker, whose files carry their path inside the folder (every current browser). */}
        <input ref={folderInput} type="file" hidden tabIndex={-1} aria-hidden="true" onChange={picked} {...{ webkitdirectory: '' }} />
        <button type="button" onClick={props.onNewFolder} {...writing}>
          New folder
        </button>
        <FolderSelect label="Upload into" folders={folders} value={destination} onChange={props.onDestination} />
      </div>
      <div role="group" aria-label="Selection" className="toolbar-group">
        <span className="selection-count" aria-live="polite">
          {selectedCount === 0 ? 'Nothing selected' : `${selectedCount} selected`}
        </span>
        <button type="button" onClick={props.onDownloadSelected} disabled={none}>
          Download selected
        </button>
        <button type="button" onClick={props.onDownloadAll} disabled={!props.hasFiles}>
          Download all
        </button>
        <FolderSelect label="Move to" folders={folders} value={moveTo} onChange={setMoveTo} />
        <button type="button" onClick={() => props.onMoveSelected(moveTo)} disabled={!canShare || none} aria-describedby={writing['aria-describedby']}>
          Move selected
        </button>
        <button type="button" className="danger" onClick={props.onDeleteSelected} disabled={!canShare || none} aria-describedby={writing['aria-describedby']}>
          Delete selected
        </button>
      </div>
      {!canShare && (
        <p id={shareHintId} className="share-hint">
          {SIGN_IN_TO_SHARE_FILES}
        </p>
      )}
    </div>
  );
}
