// The file endpoints of docs/protocol.md ("Files"), as seen from the browser. Every body the
// server sends is checked here, so the uploader and downloader can trust their types.
import { toBase64Url } from '../crypto';
import type { MemberCredentials, Membership } from '../rooms/memberStore';
import type { Value } from '../state/value';
import { REFUSAL_WORDS } from '../wire/refusalWords';
import { problemCodeOf, type RefusalCode } from '../wire/refusals';

export interface Limits {
  maxFileBytes: number;
  chunkBytes: number;
  maxEnvelopeBytes: number;
  maxChatBytes: number;
}

export interface CreatedFile {
  fileId: string;
  chunkBytes: number;
  chunkCount: number;
}

export interface FileStatus extends CreatedFile {
  size: number;
  received: number[];
  complete: boolean;
}

export class FileApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The ProblemDetails `code`; null when the answer carried none this client knows. */
    readonly code: RefusalCode | null = null,
  ) {
    super(message);
    this.name = 'FileApiError';
  }
}

/** Worth another try: the network or the server had a moment, nothing was wrong with the request. */
export const isRetryable = (error: unknown) =>
  error instanceof TypeError || (error instanceof FileApiError && (error.status >= 500 || error.status === 429));

type Raw = Record<string, unknown>;
const count = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Error(`Malformed answer from the server: ${what}`);
  return v;
};
const id = (v: unknown): string => {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(v)) throw new Error('Malformed answer from the server: fileId');
  return v;
};

export interface FileApiOptions {
  roomId: string;
  /** The member to act as; may wait for the first join. */
  credentials: () => Promise<MemberCredentials>;
  fetch?: typeof fetch;
}

export class FileApi {
  private limitsAnswer: Promise<Limits> | null = null;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: FileApiOptions) {
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Asked once per session; a failure is not remembered, so the next call asks again. */
  limits(): Promise<Limits> {
    this.limitsAnswer ??= this.request('GET', '/api/limits', { auth: false })
      .then((r) => r.json() as Promise<Raw>)
      .then((m) => ({
        maxFileBytes: count(m.maxFileBytes, 'maxFileBytes'),
        chunkBytes: count(m.chunkBytes, 'chunkBytes'),
        maxEnvelopeBytes: count(m.maxEnvelopeBytes, 'maxEnvelopeBytes'),
        maxChatBytes: count(m.maxChatBytes, 'maxChatBytes'),
      }))
      .catch((error: unknown) => {
        this.limitsAnswer = null;
        throw error;
      });
    return this.limitsAnswer;
  }

  async create(size: number, signal?: AbortSignal): Promise<CreatedFile> {
    const response = await this.request('POST', this.files(), { json: { size }, signal });
    return readCreated((await response.json()) as Raw);
  }

  /** `onProgress` (bytes sent so far) needs XMLHttpRequest: fetch cannot report upload progress. */
  async putChunk(
    fileId: string,
    index: number,
    bytes: Uint8Array<ArrayBuffer>,
    signal?: AbortSignal,
    onProgress?: (sent: number) => void,
  ): Promise<void> {
    const path = `${this.files(fileId)}/chunks/${index}`;
    if (!onProgress || typeof XMLHttpRequest === 'undefined' || this.options.fetch) {
      await this.request('PUT', path, { body: bytes, signal });
      return;
    }
    const headers = await this.headers(true, 'application/octet-stream');
    await new Promise<void>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', path);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () =>
        xhr.status >= 200 && xhr.status < 300
          ? resolve()
          : reject(refusedWith(xhr.responseText, xhr.status));
      xhr.onerror = () => reject(new TypeError('Network error'));
      xhr.onabort = () => reject(new DOMException('Aborted', 'AbortError'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(bytes);
    });
  }

  async status(fileId: string, signal?: AbortSignal): Promise<FileStatus> {
    const m = (await (await this.request('GET', this.files(fileId), { signal })).json()) as Raw;
    if (!Array.isArray(m.received)) throw new Error('Malformed answer from the server: received');
    return {
      ...readCreated(m),
      size: count(m.size, 'size'),
      received: m.received.map((i) => count(i, 'received')),
      complete: m.complete === true,
    };
  }

  async complete(fileId: string, signal?: AbortSignal): Promise<void> {
    await this.request('POST', `${this.files(fileId)}/complete`, { signal });
  }

  async remove(fileId: string): Promise<void> {
    await this.request('DELETE', this.files(fileId), {});
  }

  /** The encrypted chunks back to back; the caller reads the body as a stream. */
  content(fileId: string, signal?: AbortSignal): Promise<Response> {
    return this.request('GET', `${this.files(fileId)}/content`, { signal });
  }

  private files(fileId?: string): string {
    const base = `/api/rooms/${encodeURIComponent(this.options.roomId)}/files`;
    return fileId ? `${base}/${encodeURIComponent(fileId)}` : base;
  }

  private async request(
    method: string,
    path: string,
    { json, body, signal, auth = true }: { json?: unknown; body?: Uint8Array<ArrayBuffer>; signal?: AbortSignal; auth?: boolean },
  ): Promise<Response> {
    const type = json !== undefined ? 'application/json' : body ? 'application/octet-stream' : undefined;
    const headers = await this.headers(auth, type);
    const response = await this.fetch(path, {
      method,
      headers,
      body: json !== undefined ? JSON.stringify(json) : body,
      signal,
      credentials: 'omit',
    });
    if (!response.ok) throw refusedWith(await response.text(), response.status);
    return response;
  }

  private async headers(auth: boolean, contentType?: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    if (auth) {
      headers.Authorization = memberAuthorization(await this.options.credentials());
    }
    if (contentType) headers['Content-Type'] = contentType;
    return headers;
  }
}

function readCreated(m: Raw): CreatedFile {
  const chunkBytes = count(m.chunkBytes, 'chunkBytes');
  if (chunkBytes === 0) throw new Error('Malformed answer from the server: chunkBytes');
  return { fileId: id(m.fileId), chunkBytes, chunkCount: count(m.chunkCount, 'chunkCount') };
}

/** The error for a refused request: the client's words for its ProblemDetails code, else the server's title and detail. */
function refusedWith(body: string, status: number): FileApiError {
  let problem: unknown = null;
  try {
    problem = JSON.parse(body);
  } catch {
    // not JSON: the status says enough
  }
  const code = problemCodeOf(problem);
  const raw = (typeof problem === 'object' && problem !== null ? problem : {}) as Raw;
  const text = [raw.title, raw.detail].filter((t) => typeof t === 'string' && t).join(': ') || `The server answered ${status}`;
  return new FileApiError((code && REFUSAL_WORDS[code]) ?? text, status, code);
}

/** The `Authorization` header of a room's HTTP endpoints (docs/protocol.md): whose request it is, and their token. */
export const memberAuthorization = ({ memberId, memberToken }: MemberCredentials): string =>
  `ParleyMember ${memberId}:${toBase64Url(memberToken)}`;

/**
 * The credentials of the latest join. Unlike the hub, HTTP does not need a live connection, so
 * transfers keep going with the last known member while the hub reconnects; only before the
 * first join do they wait.
 */
export function lastCredentials(membership: Value<Membership | null>): () => Promise<MemberCredentials> {
  let last = membership.get();
  membership.subscribe((m) => {
    if (m) last = m;
  });
  return () =>
    last
      ? Promise.resolve(last)
      : new Promise((resolve) => {
          const off = membership.subscribe((m) => {
            if (!m) return;
            off();
            resolve(m);
          });
        });
}
