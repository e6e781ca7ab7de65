import { describe, expect, it } from 'vitest';
import { announce, pumpToPort } from '../streamDownload';
import { CancelledError } from '../transfer';
import { contentDisposition, DownloadRegistry, handleFetch } from './downloadRoute';
import type { DownloadRequest, PageMessage, Port, WorkerMessage } from './messages';

const origin = 'https://parley.test';
const at = (path: string) => new URL(path, origin);

/** The worker's message handler, with a real MessageChannel between it and the page (as the browser has). */
function workerWith(registry: DownloadRegistry) {
  return {
    postMessage(request: DownloadRequest, transfer: Transferable[]) {
      registry.add(request, transfer[0] as unknown as Port<PageMessage, WorkerMessage>);
    },
  };
}

function request(name: string, size: number | null = null): DownloadRequest {
  return { type: 'parley-download', name, size, contentType: 'application/zip' };
}

/** A source of `count` 1 KiB chunks, produced only when read; it keeps what it yielded. */
function source(count: number) {
  const yielded: Uint8Array[] = [];
  const seen = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (yielded.length === count) return controller.close();
        const chunk = new Uint8Array(1024).fill(yielded.length);
        yielded.push(chunk);
        controller.enqueue(chunk);
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, yielded, seen };
}

/** Lets queued messages and tasks run, so a test can show that nothing more happens. */
const quiet = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Announces a download the way the page does and fetches its URL the way the browser does. */
async function started(registry: DownloadRegistry, name: string, size: number | null = null) {
  const { port, url } = await announce(workerWith(registry), request(name, size));
  const answer = handleFetch('GET', at(url), origin, registry)!;
  return { port, url, answer };
}

describe('the download service worker', () => {
  it('encodes any name exactly in Content-Disposition, with an ASCII stand-in', () => {
    expect(contentDisposition('naïve résumé.zip')).toBe(`attachment; filename="na_ve r_sum_.zip"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.zip`);
    expect(contentDisposition('"quote".txt')).toBe(`attachment; filename="_quote_.txt"; filename*=UTF-8''%22quote%22.txt`);
    expect(contentDisposition(`it's (1)*.txt`)).toBe(`attachment; filename="it's (1)*.txt"; filename*=UTF-8''it%27s%20%281%29%2A.txt`);
    expect(contentDisposition('back\\slash 日本.csv')).toMatch(/^attachment; filename="back_slash __\.csv"; filename\*=UTF-8''back%5Cslash%20%E6%97%A5%E6%9C%AC\.csv$/);
    for (const name of ['naïve résumé.zip', '"quote".txt', `it's (1)*.txt`]) {
      const encoded = /filename\*=UTF-8''(.*)$/.exec(contentDisposition(name))![1];
      expect(encoded).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/); // RFC 8187 attr-chars only
      expect(decodeURIComponent(encoded)).toBe(name);
    }
  });

  it('leaves every request that is not one of its downloads to the network', () => {
    const registry = new DownloadRegistry();
    expect(handleFetch('GET', at('/'), origin, registry)).toBeNull();
    expect(handleFetch('GET', at('/api/rooms'), origin, registry)).toBeNull();
    expect(handleFetch('GET', at('/assets/index-abc.js'), origin, registry)).toBeNull();
    expect(handleFetch('POST', at('/__parley-download/x/a.zip'), origin, registry)).toBeNull();
    expect(handleFetch('GET', new URL('https://elsewhere.test/__parley-download/x/a.zip'), origin, registry)).toBeNull();
  });

  it('answers each download URL once; an unknown or used one is a 404, not the app', async () => {
    const registry = new DownloadRegistry();
    expect(handleFetch('GET', at('/__parley-download/nope/a.zip'), origin, registry)!.response.status).toBe(404);
    const { url, answer, port } = await started(registry, 'a.zip');
    expect(answer.response.status).toBe(200);
    expect(handleFetch('GET', at(url), origin, registry)!.response.status).toBe(404);
    await answer.response.body!.cancel();
    port.close();
  });

  it('sends the headers of an attachment, with Content-Length only when the size is known', async () => {
    const registry = new DownloadRegistry();
    const sized = await started(registry, 'naïve résumé.zip', 12345);
    expect(sized.url).toMatch(/^\/__parley-download\/[0-9a-f-]{36}\/na%C3%AFve%20r%C3%A9sum%C3%A9\.zip$/);
    const headers = sized.answer.response.headers;
    expect(headers.get('Content-Disposition')).toBe(contentDisposition('naïve résumé.zip'));
    expect(headers.get('Content-Type')).toBe('application/zip');
    expect(headers.get('Content-Length')).toBe('12345');
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff');
    const unsized = await started(registry, 'b.zip');
    expect(unsized.answer.response.headers.has('Content-Length')).toBe(false);
    for (const { answer, port } of [sized, unsized]) {
      await answer.response.body!.cancel();
      port.close();
    }
  });

  it('streams the whole source to the browser, byte for byte, leaving the page its own buffers', async () => {
    const registry = new DownloadRegistry();
    const { port, answer } = await started(registry, 'all.zip');
    const { stream, yielded } = source(50);
    const [body] = await Promise.all([answer.response.arrayBuffer(), pumpToPort(stream, port, { startWithin: 60_000 })]);
    const expected = new Uint8Array(50 * 1024).map((_, i) => Math.floor(i / 1024));
    expect(new Uint8Array(body)).toEqual(expected);
    expect(yielded.every((chunk, i) => chunk.length === 1024 && chunk[0] === i)).toBe(true); // copies went, not the buffers
    await answer.settled;
  });

  it('keeps memory bounded: with a slow reader, the page is at most two chunks ahead of it', async () => {
    const registry = new DownloadRegistry();
    const { port, answer } = await started(registry, 'slow.zip');
    const { stream, yielded } = source(20);
    const done = pumpToPort(stream, port, { startWithin: 60_000 });
    await quiet();
    expect(yielded.length).toBe(1); // nobody reads: one chunk waits in the worker's queue
    const reader = answer.response.body!.getReader();
    for (let taken = 1; taken <= 5; taken++) {
      await reader.read();
      await quiet();
      expect(yielded.length).toBeLessThanOrEqual(taken + 2);
    }
    while (!(await reader.read()).done);
    await done;
    expect(yielded.length).toBe(20);
  });

  it('tells the page when the browser cancels, and the page stops reading its source', async () => {
    const registry = new DownloadRegistry();
    const { port, answer } = await started(registry, 'c.zip');
    const { stream, yielded, seen } = source(1000);
    const done = pumpToPort(stream, port, { startWithin: 60_000 });
    const reader = answer.response.body!.getReader();
    await reader.read();
    await reader.cancel(); // what the browser does when the person cancels the download
    await expect(done).rejects.toBeInstanceOf(CancelledError);
    await answer.settled;
    expect(seen.cancelled).toBe(true);
    expect(yielded.length).toBeLessThan(5);
  });

  it('fails the browser download when the person cancels in our UI', async () => {
    const registry = new DownloadRegistry();
    const { port, answer } = await started(registry, 'd.zip');
    const abort = new AbortController();
    const done = pumpToPort(source(1000).stream, port, { signal: abort.signal, startWithin: 60_000 });
    const reader = answer.response.body!.getReader();
    await reader.read();
    abort.abort();
    await expect(done).rejects.toBeInstanceOf(CancelledError);
    await expect(async () => {
      while (!(await reader.read()).done);
    }).rejects.toThrow('cancelled');
    await answer.settled;
  });
});
