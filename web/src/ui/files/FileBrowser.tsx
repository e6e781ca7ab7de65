import { useId, useMemo, useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import { SIGN_IN_TO_SHARE_FILES } from '../../accounts/abilities';
import { nodeLabel } from '../../files/manager/entryEdits';
import { allNodes, buildTree, folderKey, folderPaths, sortTree, visibleRows, type SortKey, type SortOrder, type TreeNode } from '../../files/manager/fileTree';
import { folderLabel } from '../../files/manager/names';
import { dropEntries, pickedFromInput, walkDropped } from '../../files/manager/pickedFiles';
import type { UploadRequest } from '../../files/manager/uploadPlan';
import { useValue } from '../../state/value';
import { errorText } from '../../wire/refusalWords';
import type { RoomSession } from '../useRoomSession';
import { DeleteDialog } from './DeleteDialog';
import { FileTable } from './FileTable';
import { FileToolbar } from './FileToolbar';
import { NameDialog } from './NameDialog';
import { TransferPanel } from './TransferPanel';
import { memberName } from './format';

type Dialog = { kind: 'new-folder' } | { kind: 'rename'; node: TreeNode } | { kind: 'delete'; nodes: TreeNode[] };
interface Message {
  text: string;
  error: boolean;
  details?: string[];
}

const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

/** The Files tab: toolbar, the tree as a table, transfers, and the dialogs they open. Files and folders can be dropped anywhere on it. */
export function FileBrowser({ session, roomName }: { session: RoomSession; roomName: string }) {
  const { fileManager: manager, sync, presence } = session;
  const items = useValue(manager.list.items);
  const loaded = useValue(manager.list.loaded);
  const loadError = useValue(manager.list.error);
  const canShare = useValue(sync.access.abilities)?.shareFiles === true;
  useValue(presence.members); // uploaders' names may arrive later
  const shareHintId = useId();
  const [sort, setSort] = useState<SortOrder>({ by: 'name', descending: false });
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [destination, setDestination] = useState<string[]>([]);
  const [message, setMessage] = useState<Message | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [dragging, setDragging] = useState(false);
  const updateInput = useRef<HTMLInputElement>(null);
  const updateTarget = useRef<TreeNode | null>(null);

  const tree = useMemo(() => sortTree(buildTree(items.values()), sort), [items, sort]);
  const nodes = useMemo(() => new Map(allNodes(tree).map((n) => [n.key, n])), [tree]);
  const rows = visibleRows(tree, expanded);
  const picked = [...selected].flatMap((key) => nodes.get(key) ?? []);
  const folders = folderPaths(tree);
  const say = (text: string, details?: string[]) => setMessage({ text, error: false, details });
  const fail = (text: string, details?: string[]) => setMessage({ text, error: true, details });

  async function upload(request: Omit<UploadRequest, 'destination'>) {
    setMessage(null);
    const { problems } = await manager.upload({ ...request, destination }, tree);
    if (problems.length > 0) fail('Nothing was uploaded:', problems);
  }

  function onDrop(event: DragEvent) {
    if (!hasFiles(event)) return;
    event.preventDefault();
    setDragging(false);
    if (!canShare) return fail(`${SIGN_IN_TO_SHARE_FILES}.`);
    const entries = dropEntries(event.dataTransfer); // must be read before the handler returns
    const files = [...event.dataTransfer.files];
    const dropped = entries ? walkDropped(entries) : Promise.resolve({ files: pickedFromInput(files), folders: [] });
    dropped.then(upload, (error: unknown) => fail(`Could not read what was dropped: ${errorText(error)}`));
  }

  function download(targets: TreeNode[], name: string) {
    if (targets.length === 1 && targets[0].kind === 'file') manager.downloadFile(targets[0]);
    else manager.downloadZip(targets, name);
  }

  async function moveSelected(to: string[]) {
    setMessage(null);
    try {
      await manager.move(tree, picked, to);
      say(`Moved ${picked.length === 1 ? nodeLabel(picked[0]) : `${picked.length} items`} to ${folderLabel(to)}.`);
      setSelected(new Set());
    } catch (error) {
      fail(errorText(error));
    }
  }

  function onUpdatePicked(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    const node = updateTarget.current;
    event.target.value = '';
    if (!file || node?.kind !== 'file') return;
    setMessage(null);
    void manager.replace(node, file).then(({ problems }) => problems.length > 0 && fail(`${nodeLabel(node)} was not updated:`, problems));
  }

  function onSort(by: SortKey) {
    // A new column starts where people expect it: names A to Z, sizes and times largest and newest first.
    setSort((s) => (s.by === by ? { by, descending: !s.descending } : { by, descending: by !== 'name' }));
  }

  function toggle(set: ReadonlySet<string>, key: string, on: boolean): Set<string> {
    const next = new Set(set);
    if (on) next.add(key);
    else next.delete(key);
    return next;
  }

  return (
    <section
      className={`file-browser${dragging ? ' dragging' : ''}`}
      aria-labelledby="files-heading"
      onDragEnter={(e) => hasFiles(e) && setDragging(true)}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = canShare ? 'copy' : 'none';
      }}
      onDragLeave={(e) => !e.currentTarget.contains(e.relatedTarget as Node | null) && setDragging(false)}
      onDrop={onDrop}
    >
      <h2 id="files-heading" className="visually-hidden">
        Files
      </h2>
      <FileToolbar
        canShare={canShare}
        shareHintId={shareHintId}
        folders={folders}
        destination={destination}
        onDestination={setDestination}
        onUpload={(files) => void upload({ files: pickedFromInput(files) })}
        onNewFolder={() => setDialog({ kind: 'new-folder' })}
        selectedCount={picked.length}
        hasFiles={tree.children.length > 0}
        onDownloadSelected={() => download(picked, 'files.zip')}
        onDownloadAll={() => download(tree.children, `${roomName} files.zip`)}
        onMoveSelected={(to) => void moveSelected(to)}
        onDeleteSelected={() => setDialog({ kind: 'delete', nodes: picked })}
      />
      <input ref={updateInput} type="file" hidden tabIndex={-1} aria-hidden="true" onChange={onUpdatePicked} />
      {message && (
        <div role={message.error ? 'alert' : 'status'} className={message.error ? 'files-message error' : 'files-message'}>
          <p>{message.text}</p>
          {message.details && (
            <ul>
              {message.details.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {loadError && (
        <p role="alert" className="error">
          {loadError}
        </p>
      )}
      <TransferPanel manager={manager} />
      {!loaded && !loadError && <p aria-busy="true">Loading the room&apos;s files…</p>}
      {loaded && tree.children.length === 0 && <p className="muted">No files yet. Upload some, or drop files and folders here.</p>}
      {tree.children.length > 0 && (
        <FileTable
          rows={rows}
          sort={sort}
          onSort={onSort}
          selected={selected}
          onSelect={(node, on) => setSelected((s) => toggle(s, node.key, on))}
          allSelected={nodes.size > 0 && picked.length === nodes.size}
          onSelectAll={(on) => setSelected(on ? new Set(nodes.keys()) : new Set())}
          onToggle={(node, open) => setExpanded((s) => toggle(s, node.key, open))}
          uploaderName={(id) => memberName(id, sync.memberId, (m) => presence.nameOf(m))}
          canShare={canShare}
          shareHintId={shareHintId}
          onDownload={(node) => download([node], `${node.name}.zip`)}
          onRename={(node) => setDialog({ kind: 'rename', node })}
          onUpdate={(node) => {
            updateTarget.current = node;
            updateInput.current?.click();
          }}
          onDelete={(node) => setDialog({ kind: 'delete', nodes: [node] })}
        />
      )}
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          {canShare ? `Drop files and folders to upload them into ${folderLabel(destination)}` : SIGN_IN_TO_SHARE_FILES}
        </div>
      )}
      {dialog?.kind === 'new-folder' && (
        <NameDialog
          title={`New folder in ${folderLabel(destination)}`}
          label="Folder name"
          initial=""
          submitLabel="Create folder"
          onSubmit={async (name) => {
            await manager.createFolder(tree, destination, name);
            setExpanded((s) => toggle(s, folderKey(destination), true));
            say(`Made the folder ${folderLabel([...destination, name])}.`);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'rename' && (
        <NameDialog
          title={`Rename ${nodeLabel(dialog.node)}`}
          label="New name"
          initial={dialog.node.name}
          submitLabel="Rename"
          onSubmit={async (name) => {
            await manager.rename(tree, dialog.node, name);
            say(`Renamed ${nodeLabel(dialog.node)} to ${name}.`);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'delete' && <DeleteDialog nodes={dialog.nodes} onDelete={async () => {
        say(await manager.remove(dialog.nodes));
        setSelected(new Set());
      }} onClose={() => setDialog(null)} />}
    </section>
  );
}
