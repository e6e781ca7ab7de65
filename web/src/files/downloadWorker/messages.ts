// What the page and the download service worker say to each other. Types only, so that neither
// side's bundle pulls in the other's code (the worker is built as a separate, self-contained file).

/** Page → worker, posted to the worker itself with the page's end of a MessageChannel. */
export interface DownloadRequest {
  type: 'parley-download';
  name: string;
  /** Bytes the download will have, when known in advance (sent as Content-Length). */
  size: number | null;
  contentType: 'application/zip' | 'application/octet-stream';
}

/** Page → worker, now and then while a download runs, so the browser keeps the worker alive. */
export interface KeepAlive {
  type: 'parley-keep-alive';
}

/** Worker → page, over the channel. */
export type WorkerMessage =
  | { type: 'ready'; url: string } // registered: navigate to `url` to start it
  | { type: 'pull' } // send one more chunk (or end / error)
  | { type: 'cancel' }; // the browser cancelled the download

/** Page → worker, over the channel. */
export type PageMessage =
  | { type: 'chunk'; bytes: Uint8Array }
  | { type: 'end' }
  | { type: 'error'; message: string }
  | { type: 'abort' }; // the person cancelled in our UI

/** The part of a MessagePort both sides use, so tests can stand in for it. */
export interface Port<In, Out> {
  postMessage(message: Out, transfer?: Transferable[]): void;
  onmessage: ((event: { data: In }) => void) | null;
  close(): void;
}
