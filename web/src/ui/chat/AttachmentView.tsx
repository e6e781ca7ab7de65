import { useEffect, useMemo, useState } from 'react';
import type { Attachment } from '../../files/attachment';
import type { DownloadTask } from '../../files/downloader';
import type { FileTransfers } from '../../files/fileTransfers';
import { AUTO_PREVIEW_BYTES, MAX_PREVIEW_BYTES, mediaKind } from '../../files/media';
import { ViewableImage } from './ImageViewer';
import { formatBytes, isAbort } from '../../files/transfer';
import { TransferBar } from './Transfers';

type Source = Pick<Attachment, 'fileId' | 'key' | 'type'> & { size?: number; name?: string };

interface PreviewState {
  url: string | null;
  error: string | null;
  cancelled: boolean;
  task: DownloadTask | null;
}

/** Decrypts a file into an object URL when `source` is set; the cache in FileTransfers makes it once per file. */
function usePreview(files: FileTransfers, source: Source | null, attempt = 0): PreviewState {
  const preview = useMemo(
    () => (source ? files.preview(source) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a file is identified by its id; `attempt` asks again
    [files, source?.fileId, attempt],
  );
  const [result, setResult] = useState<{ for: unknown; url: string | null; error: string | null; cancelled: boolean }>();
  useEffect(() => {
    if (!preview) return;
    let live = true;
    preview.url.then(
      (url) => live && setResult({ for: preview, url, error: null, cancelled: false }),
      (error: unknown) =>
        live && setResult({ for: preview, url: null, error: isAbort(error) ? null : String((error as Error)?.message ?? error), cancelled: isAbort(error) }),
    );
    return () => {
      live = false;
    };
  }, [preview]);
  const current = result?.for === preview ? result : undefined;
  return { url: current?.url ?? null, error: current?.error ?? null, cancelled: current?.cancelled ?? false, task: preview?.task ?? null };
}

function DownloadButton({ attachment, files }: { attachment: Attachment; files: FileTransfers }) {
  const [task, setTask] = useState<DownloadTask | null>(null);
  const [error, setError] = useState<string | null>(null);
  function start() {
    const download = files.download(attachment); // straight from the click: the save dialog needs it
    setTask(download.task);
    setError(null);
    download.done.then(
      () => setTask(null),
      (e: unknown) => {
        setTask(null);
        if (!isAbort(e)) setError(e instanceof Error ? e.message : String(e));
      },
    );
  }
  return (
    <>
      {task ? (
        <TransferBar transfer={task} verb="Downloading" />
      ) : (
        <button type="button" className="small" aria-label={`Download ${attachment.name}`} onClick={start}>
          Download
        </button>
      )}
      {error && <span className="file-note error">Download failed: {error}</span>}
    </>
  );
}

/** A received attachment: inline image, video or audio once decrypted, and always a chip that downloads. */
export function AttachmentView({ attachment, files }: { attachment: Attachment; files: FileTransfers }) {
  const kind = mediaKind(attachment.type);
  const previewable = kind !== 'file' && attachment.size <= MAX_PREVIEW_BYTES;
  const [attempt, setAttempt] = useState(attachment.size <= AUTO_PREVIEW_BYTES ? 1 : 0);
  const full = usePreview(files, previewable && attempt > 0 ? attachment : null, attempt);
  const thumbnail = attachment.thumbnail;
  const thumb = usePreview(files, thumbnail && !full.url ? { ...thumbnail, name: `${attachment.name} (preview)` } : null);
  const loading = full.task && !full.url && !full.error && !full.cancelled;
  const box = thumbnail ? { width: thumbnail.width, height: thumbnail.height } : {};
  return (
    <figure className={`attachment ${kind}`}>
      {kind === 'image' && (full.url ?? thumb.url) && <ViewableImage src={(full.url ?? thumb.url)!} name={attachment.name} {...box} />}
      {kind === 'video' && full.url && <video controls preload="metadata" src={full.url} poster={thumb.url ?? undefined} aria-label={attachment.name} />}
      {kind === 'video' && !full.url && thumb.url && <img src={thumb.url} alt={`${attachment.name} (still)`} {...box} />}
      {kind === 'audio' && full.url && <audio controls preload="metadata" src={full.url} aria-label={attachment.name} />}
      {loading && full.task && <TransferBar transfer={full.task} verb="Loading" />}
      {previewable && (attempt === 0 || full.cancelled) && (
        <button type="button" className="small" aria-label={`Load preview of ${attachment.name}`} onClick={() => setAttempt((a) => a + 1)}>
          Load preview ({formatBytes(attachment.size)})
        </button>
      )}
      {full.error && <span className="file-note error">Could not show it: {full.error}</span>}
      <figcaption className="file-chip">
        <span className="file-name">{attachment.name}</span>
        <span className="file-size"> · {formatBytes(attachment.size)}</span>
        <DownloadButton attachment={attachment} files={files} />
      </figcaption>
    </figure>
  );
}
