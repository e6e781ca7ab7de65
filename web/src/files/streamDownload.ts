// Browser downloads of streams too large for memory, where the File System Access API is missing
// (Firefox, Safari): our service worker (downloadWorker/) answers a download URL with a body it
// pulls from this page chunk by chunk. Without a service worker the stream is assembled into a Blob.
import type { DownloadRequest, KeepAlive, PageMessage, Port, WorkerMessage } from './downloadWorker/messages';
import { CancelledError } from './transfer';

type WorkerPort = Port<WorkerMessage, PageMessage>;

/** The worker's scope is its script's folder, so the built script sits at the site root (vite.config.ts). */
const WORKER_URL = import.meta.env.DEV ? '/src/files/downloadWorker/serviceWorker.ts' : '/parley-download-sw.js';
/** How long the worker and then the browser get to answer before we give up on them and use a Blob. */
const START_WITHIN_MS = 15_000;

/** The worker or the browser never picked the download up; nothing was read from the source yet. */
export class NotStartedError extends Error {}

export interface SaveOptions {
  name: string;
  contentType: DownloadRequest['contentType'];
  /** Exact byte count, when known before the first byte (sent as Content-Length). */
  size: number | null;
  /** Cancelling in our UI: the browser's download is failed and the source cancelled. */
  signal?: AbortSignal;
  /** Called when the stream must be held in memory after all (no service worker here). */
  onInMemory?(): void;
}

/**
 * Saves `source` as an ordinary browser download. Resolves once every byte was handed to the
 * browser; rejects with CancelledError when the download is cancelled in our UI or the browser's.
 */
export async function saveStream(source: ReadableStream<Uint8Array>, options: SaveOptions): Promise<void> {
  const worker = await downloadWorker();
  if (worker) {
    try {
      return await streamThroughWorker(worker, source, options);
    } catch (error) {
      if (!(error instanceof NotStartedError)) throw error;
    }
  }
  if (options.signal?.aborted) throw new CancelledError();
  options.onInMemory?.();
  saveBlob(await new Response(source).blob(), options.name, options.contentType);
}

async function streamThroughWorker(worker: ServiceWorker, source: ReadableStream<Uint8Array>, options: SaveOptions): Promise<void> {
  const { port, url } = await announce(worker, { type: 'parley-download', name: options.name, size: options.size, contentType: options.contentType });
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.src = url;
  document.body.append(frame);
  // Without messages now and then, a browser may stop an idle-looking worker mid-download.
  const keepAlive = setInterval(() => worker.postMessage({ type: 'parley-keep-alive' } satisfies KeepAlive), 10_000);
  let started = true;
  try {
    await pumpToPort(source, port, { signal: options.signal, startWithin: START_WITHIN_MS });
  } catch (error) {
    started = !(error instanceof NotStartedError);
    throw error;
  } finally {
    clearInterval(keepAlive);
    // A started download belongs to the browser; the frame goes once it surely has the last bytes.
    if (started) setTimeout(() => frame.remove(), 60_000);
    else frame.remove();
  }
}

/** Tells the worker about a download over a fresh channel; resolves with our end and the URL to open. */
export function announce(
  worker: { postMessage(request: DownloadRequest, transfer: Transferable[]): void },
  request: DownloadRequest,
  within = START_WITHIN_MS,
): Promise<{ port: WorkerPort; url: string }> {
  const channel = new MessageChannel();
  const port = channel.port1 as unknown as WorkerPort;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      port.onmessage = null;
      port.close();
      reject(new NotStartedError('The download service worker did not answer'));
    }, within);
    port.onmessage = ({ data }) => {
      if (data.type !== 'ready') return;
      clearTimeout(timer);
      port.onmessage = null;
      resolve({ port, url: data.url });
    };
    worker.postMessage(request, [channel.port2]);
  });
}

/**
 * Feeds `source` into the worker's port: one chunk per `pull`, never ahead of what was asked for,
 * so only the chunks the worker requested are ever in flight. The source is read only once the
 * browser has asked for the first chunk, so a download that never starts leaves it untouched.
 */
export function pumpToPort(
  source: ReadableStream<Uint8Array>,
  port: WorkerPort,
  { signal, startWithin }: { signal?: AbortSignal; startWithin: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
    let wanted = 0;
    let feeding = false;
    let settled = false;
    const timer = setTimeout(() => finish(new NotStartedError('The browser did not start the download')), startWithin);

    function finish(error?: unknown) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      port.onmessage = null;
      port.close();
      if (error === undefined) resolve();
      else reject(error);
    }
    function stop(error: unknown) {
      void (reader ?? source).cancel(error).catch(() => {});
      finish(error);
    }
    function onAbort() {
      port.postMessage({ type: 'abort' });
      stop(new CancelledError());
    }
    async function feed() {
      if (feeding) return;
      feeding = true;
      try {
        reader ??= source.getReader();
        while (wanted > 0 && !settled) {
          const { done, value } = await reader.read();
          if (settled) return;
          if (done) {
            port.postMessage({ type: 'end' });
            return finish();
          }
          if (value.length === 0) continue;
          wanted -= 1;
          // A copy, transferred: the source may still hold the buffer it yielded (or share it).
          const bytes = value.slice();
          port.postMessage({ type: 'chunk', bytes }, [bytes.buffer]);
        }
      } catch (error) {
        if (settled) return;
        port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
        finish(error);
      } finally {
        feeding = false;
      }
    }

    port.onmessage = ({ data }) => {
      clearTimeout(timer);
      if (data.type === 'pull') {
        wanted += 1;
        void feed();
      } else if (data.type === 'cancel') stop(new CancelledError());
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

let registration: Promise<ServiceWorkerContainer | null> | undefined;

/** The active download worker, registered on first use; null where there can be none. */
async function downloadWorker(): Promise<ServiceWorker | null> {
  registration ??= register();
  const container = await registration;
  if (!container) return null;
  const ready = await Promise.race([container.ready, new Promise<null>((resolve) => setTimeout(() => resolve(null), START_WITHIN_MS))]);
  return ready?.active ?? null;
}

async function register(): Promise<ServiceWorkerContainer | null> {
  const container = globalThis.navigator?.serviceWorker;
  if (!container || !globalThis.isSecureContext) return null;
  try {
    await container.register(WORKER_URL, { scope: '/', type: import.meta.env.DEV ? 'module' : 'classic' });
    return container;
  } catch {
    return null; // e.g. private browsing, or storage blocked: the Blob path still works
  }
}

/** Saves bytes already in memory as a download. Opaque types only: a blob URL shares our origin. */
export function saveBlob(blob: Blob, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([blob], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
