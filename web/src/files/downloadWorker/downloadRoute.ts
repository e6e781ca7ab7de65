// The download service worker's logic, kept free of worker globals so it runs under test: which
// requests it answers, the headers, and the response body pulled from the page chunk by chunk.
import type { DownloadRequest, PageMessage, Port, WorkerMessage } from './messages';

export const DOWNLOAD_PATH = '/__parley-download/';

type PagePort = Port<PageMessage, WorkerMessage>;

interface Pending {
  name: string;
  size: number | null;
  contentType: string;
  port: PagePort;
}

/** Downloads the page announced and the browser has not fetched yet; each can be fetched once. */
export class DownloadRegistry {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly newId: () => string = () => crypto.randomUUID()) {}

  /** Registers a download and tells the page where to send the browser. */
  add(request: DownloadRequest, port: PagePort): string {
    const id = this.newId();
    this.pending.set(id, { name: request.name, size: request.size, contentType: request.contentType, port });
    const url = `${DOWNLOAD_PATH}${id}/${encodeURIComponent(request.name)}`;
    port.postMessage({ type: 'ready', url });
    return url;
  }

  take(id: string): Pending | undefined {
    const found = this.pending.get(id);
    this.pending.delete(id);
    return found;
  }
}

/**
 * The answer to a request, or null for every request that is not ours (the browser then goes to
 * the network as if there were no worker). `settled` resolves when the download ends either way.
 */
export function handleFetch(method: string, url: URL, origin: string, registry: DownloadRegistry): { response: Response; settled: Promise<void> } | null {
  if (method !== 'GET' || url.origin !== origin || !url.pathname.startsWith(DOWNLOAD_PATH)) return null;
  const id = url.pathname.slice(DOWNLOAD_PATH.length).split('/')[0];
  const pending = registry.take(id);
  // Answered here rather than passed on: the server would serve the app for it.
  if (!pending) return { response: new Response('This download has already started or has ended.', { status: 404 }), settled: Promise.resolve() };
  const headers = new Headers({
    'Content-Type': pending.contentType,
    'Content-Disposition': contentDisposition(pending.name),
    // Same origin as the app: with `attachment` and no sniffing it is saved, never shown as a page.
    'X-Content-Type-Options': 'nosniff',
  });
  if (pending.size !== null) headers.set('Content-Length', String(pending.size));
  const { body, settled } = pageStream(pending.port);
  return { response: new Response(body, { headers }), settled };
}

/** `attachment` with the exact name (RFC 6266 / 8187 `filename*`) and an ASCII stand-in for old parsers. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * A body the browser pulls from the page: one `pull` asked at a time, sent only when the stream's
 * queue (one chunk) has room, so at most one chunk waits here and one is on its way, whatever the
 * download's size and however slowly the disk takes it.
 */
export function pageStream(port: PagePort): { body: ReadableStream<Uint8Array>; settled: Promise<void> } {
  let answered: (() => void) | null = null;
  let ended = false;
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const end = () => {
    ended = true;
    port.onmessage = null;
    port.close();
    settle();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        port.onmessage = ({ data }) => {
          if (ended) return;
          if (data.type === 'chunk') controller.enqueue(data.bytes);
          else if (data.type === 'end') {
            controller.close();
            end();
          } else {
            controller.error(new Error(data.type === 'error' ? data.message : 'The download was cancelled'));
            end();
          }
          answered?.();
          answered = null;
        };
      },
      pull() {
        if (ended) return;
        port.postMessage({ type: 'pull' });
        return new Promise<void>((resolve) => (answered = resolve));
      },
      cancel() {
        if (ended) return;
        port.postMessage({ type: 'cancel' });
        end();
      },
    },
    { highWaterMark: 1 },
  );
  return { body, settled };
}
