// The download service worker, built to /parley-download-sw.js (see vite.config.ts) so its scope
// covers the whole site. It answers only the download URLs it handed out (downloadRoute.ts) and
// leaves every other request alone: no cache, no offline mode.
import { DownloadRegistry, handleFetch } from './downloadRoute';
import type { DownloadRequest, PageMessage, Port, WorkerMessage } from './messages';

// The app is type-checked with the DOM library; these are the few worker globals used here.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Response): void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  data: unknown;
  ports: readonly MessagePort[];
}
const worker = self as unknown as {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
};

const registry = new DownloadRegistry();

// Ready on first use: no waiting for the old worker's pages to close, and this page is taken over.
worker.addEventListener('install', (event) => event.waitUntil(worker.skipWaiting()));
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()));

worker.addEventListener('message', (event) => {
  const data = event.data as DownloadRequest | { type: string } | null;
  if (data?.type !== 'parley-download' || event.ports.length !== 1) return; // keep-alives end here
  registry.add(data as DownloadRequest, event.ports[0] as unknown as Port<PageMessage, WorkerMessage>);
});

worker.addEventListener('fetch', (event) => {
  const answer = handleFetch(event.request.method, new URL(event.request.url), worker.location.origin, registry);
  if (!answer) return;
  event.respondWith(answer.response);
  event.waitUntil(answer.settled); // keep the worker alive while the body streams
});
