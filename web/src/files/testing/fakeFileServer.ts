// An in-memory stand-in for the file endpoints of docs/protocol.md, for unit tests only: a
// `fetch` that stores opaque chunks, checks their lengths and the member header, and lets a test
// fail, hold or count requests.
import { CHUNK_TAG_BYTES, chunkCountFor, chunkPlainLength } from '../../crypto';
import type { RefusalCode } from '../../wire/refusals';

interface StoredFile {
  size: number;
  chunks: Map<number, Uint8Array>;
  complete: boolean;
}

export interface Call {
  method: string;
  path: string;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
/** A refusal as the server sends it: ProblemDetails with the `code` extension. */
const problem = (status: number, code: RefusalCode, title: string, detail: string) => json(status, { status, title, detail, code });

export class FakeFileServer {
  readonly files = new Map<string, StoredFile>();
  readonly calls: Call[] = [];
  maxFileBytes = 100 * 1024 * 1024;
  /** Decide a PUT's fate: a status to answer with, 'network' to throw as fetch does, or null to store. */
  failPut: (index: number) => number | 'network' | null = () => null;
  /** While set, PUTs wait for it (or for their abort signal). */
  putGate: Promise<void> | null = null;
  /** Bytes per read of a content body, to exercise reframing. */
  contentPiece = 7;
  inFlightPuts = 0;
  maxInFlightPuts = 0;
  private nextId = 1;

  constructor(
    readonly chunkBytes = 16,
    readonly auth = 'ParleyMember m1:dG9rZW4',
  ) {}

  readonly fetch: typeof fetch = async (input, init) => {
    const method = init?.method ?? 'GET';
    const path = String(input);
    this.calls.push({ method, path });
    init?.signal?.throwIfAborted();
    if (path === '/api/limits') {
      return json(200, { maxFileBytes: this.maxFileBytes, chunkBytes: this.chunkBytes, maxEnvelopeBytes: 1 << 20, maxChatBytes: 65536 });
    }
    if ((init?.headers as Record<string, string> | undefined)?.Authorization !== this.auth) return new Response(null, { status: 404 });
    const match = /^\/api\/rooms\/[^/]+\/files(?:\/([^/]+)(?:\/(chunks\/(\d+)|complete|content))?)?$/.exec(path);
    if (!match) return new Response(null, { status: 404 });
    const [, fileId, action, index] = match;
    if (!fileId) return this.create(JSON.parse(String(init?.body)) as { size: number });
    const file = this.files.get(fileId);
    if (!file) return new Response(null, { status: 404 });
    if (index !== undefined && method === 'PUT') return this.put(file, Number(index), init!.body as Uint8Array, init?.signal);
    if (action === 'complete') return this.complete(file);
    if (action === 'content') return this.content(file);
    if (method === 'DELETE') return this.files.delete(fileId), new Response(null, { status: 204 });
    return json(200, this.status(fileId, file));
  };

  /** Stored ciphertext back to back, as `…/content` would send it. */
  stored(fileId: string): Uint8Array {
    const file = this.files.get(fileId)!;
    const parts = [...file.chunks.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  }

  private create({ size }: { size: number }): Response {
    if (size > this.maxFileBytes) return problem(413, 'file-too-large', 'File too large', `The limit is ${this.maxFileBytes} bytes.`);
    const fileId = `file${this.nextId++}`;
    this.files.set(fileId, { size, chunks: new Map(), complete: false });
    return json(201, { fileId, chunkBytes: this.chunkBytes, chunkCount: chunkCountFor(size, this.chunkBytes) });
  }

  private async put(file: StoredFile, index: number, body: Uint8Array, signal?: AbortSignal | null): Promise<Response> {
    this.inFlightPuts++;
    this.maxInFlightPuts = Math.max(this.maxInFlightPuts, this.inFlightPuts);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (this.putGate) {
        await Promise.race([
          this.putGate,
          new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')))),
        ]);
      }
      signal?.throwIfAborted();
      const fate = this.failPut(index);
      if (fate === 'network') throw new TypeError('Failed to fetch');
      if (fate !== null) return new Response(null, { status: fate });
      if (file.complete) return problem(409, 'file-complete', 'Complete', 'The file is complete; it can no longer change.');
      if (body.length !== chunkPlainLength(file.size, index, this.chunkBytes) + CHUNK_TAG_BYTES) return problem(400, 'chunk-invalid', 'Invalid chunk', 'The chunk does not match the file.');
      file.chunks.set(index, new Uint8Array(body));
      return new Response(null, { status: 204 });
    } finally {
      this.inFlightPuts--;
    }
  }

  private complete(file: StoredFile): Response {
    const missing = chunkCountFor(file.size, this.chunkBytes) - file.chunks.size;
    if (missing > 0) return problem(409, 'file-incomplete', 'Incomplete', `${missing} chunks are missing.`);
    file.complete = true;
    return new Response(null, { status: 204 });
  }

  private content(file: StoredFile): Response {
    if (!file.complete) return problem(409, 'file-incomplete', 'Incomplete', 'The file is still being uploaded.');
    const id = [...this.files.entries()].find(([, f]) => f === file)![0];
    const bytes = this.stored(id);
    const piece = this.contentPiece;
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, (at += piece)));
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Length': String(bytes.length) } });
  }

  private status(fileId: string, file: StoredFile) {
    return {
      fileId,
      size: file.size,
      chunkBytes: this.chunkBytes,
      chunkCount: chunkCountFor(file.size, this.chunkBytes),
      received: [...file.chunks.keys()].sort((a, b) => a - b),
      complete: file.complete,
      uploader: 'm1',
      createdAt: 0,
    };
  }
}
