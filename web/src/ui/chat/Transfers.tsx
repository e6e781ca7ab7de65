import type { Transfer } from '../../files/transfer';
import { formatBytes } from '../../files/transfer';
import { useValue } from '../../state/value';

/** A progress bar with its own accessible name ("Uploading report.pdf") and a Cancel button. */
export function TransferBar({ transfer, verb }: { transfer: Transfer; verb: 'Uploading' | 'Downloading' | 'Loading' }) {
  const { done, total } = useValue(transfer.progress);
  const state = useValue(transfer.state);
  if (state !== 'running' && state !== 'waiting') return null;
  const cancelName = verb === 'Uploading' ? `Cancel upload of ${transfer.name}` : `Cancel download of ${transfer.name}`;
  return (
    <div className="transfer">
      <progress max={Math.max(total, 1)} value={total === 0 ? 0 : done} aria-label={`${verb} ${transfer.name}`} />
      <span className="transfer-text" aria-hidden="true">
        {formatBytes(done)} / {formatBytes(total)}
      </span>
      <button type="button" className="small" aria-label={cancelName} onClick={() => transfer.cancel()}>
        Cancel
      </button>
    </div>
  );
}

/** A file on its way up: "name · size", its progress, and what went wrong if it did. */
export function UploadChip({ upload, onRemove }: { upload: Transfer; onRemove?: () => void }) {
  const state = useValue(upload.state);
  const error = useValue(upload.error);
  return (
    <div className={`file-chip upload ${state}`}>
      <span className="file-name">{upload.name}</span>
      <span className="file-size"> · {formatBytes(upload.size)}</span>
      {state === 'done' && <span className="file-note"> · uploaded</span>}
      {state === 'failed' && <span className="file-note error"> · upload failed{error ? `: ${error}` : ''}</span>}
      <TransferBar transfer={upload} verb="Uploading" />
      {onRemove && state !== 'running' && state !== 'waiting' && (
        <button type="button" className="small" aria-label={`Remove ${upload.name}`} onClick={onRemove}>
          Remove
        </button>
      )}
    </div>
  );
}
