import type { FileManager } from '../../files/manager/fileManager';
import type { FileUpload, UploadBatch } from '../../files/manager/uploadBatch';
import { ZipDownload } from '../../files/manager/zipDownload';
import { formatBytes, type Transfer, type TransferState } from '../../files/transfer';
import { useValue } from '../../state/value';

/** A React key for a transfer object: stable while it is listed, whatever goes before it. */
const keys = new WeakMap<object, number>();
let lastKey = 0;
function keyOf(transfer: object): number {
  let key = keys.get(transfer);
  if (key === undefined) keys.set(transfer, (key = ++lastKey));
  return key;
}

const FILE_STATE: Record<TransferState, string> = {
  waiting: 'waiting',
  running: 'uploading',
  done: 'uploaded',
  failed: 'failed',
  cancelled: 'cancelled',
};

function FileUploadItem({ upload }: { upload: FileUpload }) {
  const { done, total } = useValue(upload.progress);
  const state = useValue(upload.state);
  const error = useValue(upload.error);
  return (
    <li className={`upload-file ${state}`}>
      <span className="entry-name">{upload.name}</span>
      <progress max={Math.max(total, 1)} value={total === 0 ? (state === 'done' ? 1 : 0) : done} aria-label={`Uploading ${upload.name}`} />
      <span className="transfer-text">
        {FILE_STATE[state]}
        {state === 'failed' && error ? `: ${error}` : ''}
      </span>
    </li>
  );
}

function BatchView({ batch, onDismiss }: { batch: UploadBatch; onDismiss(): void }) {
  const { done, total } = useValue(batch.progress);
  const state = useValue(batch.state);
  const error = useValue(batch.error);
  const count = batch.files.length;
  const summary = { running: 'Uploading…', done: 'Done', failed: 'Some uploads failed', cancelled: 'Cancelled' }[state];
  return (
    <li className={`upload-batch ${state}`}>
      <div className="batch-head">
        <progress max={Math.max(total, 1)} value={total === 0 ? (state === 'done' ? 1 : 0) : done} aria-label={batch.label} />
        <span className="transfer-text">
          {summary} · {formatBytes(done)} / {formatBytes(total)} · {count === 1 ? '1 file' : `${count} files`}
        </span>
        {state === 'running' && (
          <button type="button" className="small" aria-label={`Cancel ${batch.label.toLowerCase()}`} onClick={() => batch.cancel()}>
            Cancel
          </button>
        )}
        {state === 'failed' && (
          <button type="button" className="small" aria-label="Retry failed uploads" onClick={() => void batch.retry()}>
            Retry
          </button>
        )}
        {state !== 'running' && (
          <button type="button" className="small" aria-label={`Dismiss ${batch.label.toLowerCase()}`} onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ul className="upload-files">
        {batch.files.map((f) => (
          <FileUploadItem key={f.name} upload={f} />
        ))}
      </ul>
    </li>
  );
}

function InMemoryNote({ zip }: { zip: ZipDownload }) {
  const inMemory = useValue(zip.inMemory);
  return inMemory && <span className="note"> This browser cannot save straight to disk, so the zip is built in memory first.</span>;
}

function DownloadView({ download, onDismiss }: { download: Transfer; onDismiss(): void }) {
  const { done, total } = useValue(download.progress);
  const state = useValue(download.state);
  const error = useValue(download.error);
  const running = state === 'running' || state === 'waiting';
  return (
    <li className={`download ${state}`}>
      <progress max={Math.max(total, 1)} value={done} aria-label={`Downloading ${download.name}`} />
      <span className="transfer-text">
        {download.name} · {formatBytes(done)} / {formatBytes(total)} · {state === 'done' ? 'saved' : state}
        {state === 'failed' && error ? `: ${error}` : ''}
      </span>
      {running && download instanceof ZipDownload && <InMemoryNote zip={download} />}
      <button type="button" className="small" aria-label={`${running ? 'Cancel download of' : 'Dismiss'} ${download.name}`} onClick={onDismiss}>
        {running ? 'Cancel' : 'Dismiss'}
      </button>
    </li>
  );
}

/** Uploads (one overall bar per batch, and one per file) and downloads under way or just finished. */
export function TransferPanel({ manager }: { manager: FileManager }) {
  const uploads = useValue(manager.uploads);
  const downloads = useValue(manager.downloads);
  if (uploads.length === 0 && downloads.length === 0) return null;
  return (
    <section className="transfers-panel" aria-label="Transfers">
      <ul className="transfer-list">
        {uploads.map((batch) => (
          <BatchView key={keyOf(batch)} batch={batch} onDismiss={() => manager.dismiss(batch)} />
        ))}
        {downloads.map((download) => (
          <DownloadView key={keyOf(download)} download={download} onDismiss={() => manager.dismiss(download)} />
        ))}
      </ul>
    </section>
  );
}
