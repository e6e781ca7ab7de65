import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PageMessage, Port, WorkerMessage } from './downloadWorker/messages';
import { NotStartedError, pumpToPort } from './streamDownload';
import { CancelledError } from './transfer';

/** The worker's end as the page sees it: records what the page sends, and lets a test speak for the worker. */
class FakeWorker implements Port<WorkerMessage, PageMessage> {
  onmessage: ((event: { data: WorkerMessage }) => void) | null = null;
  readonly sent: PageMessage[] = [];
  closed = false;
  postMessage(message: PageMessage): void {
    this.sent.push(message);
  }
  close(): void {
    this.closed = true;
  }
  say(data: WorkerMessage, times = 1): void {
    for (let i = 0; i < times; i++) this.onmessage?.({ data });
  }
  get chunks(): Uint8Array[] {
    return this.sent.flatMap((m) => (m.type === 'chunk' ? [m.bytes] : []));
  }
}

/** `count` chunks of 4 bytes, produced only when read; counts what was taken and sees a cancel. */
function source(count: number, failAt = -1) {
  const seen = { produced: 0, cancelled: null as unknown };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (seen.produced === failAt) return controller.error(new Error('The stored file does not match the message'));
        if (seen.produced === count) return controller.close();
        controller.enqueue(new Uint8Array(4).fill(seen.produced++));
      },
      cancel(reason) {
        seen.cancelled = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

/** Lets every queued task and promise run, so a test can show that nothing more happens. */
const quiet = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

afterEach(() => vi.useRealTimers());

describe('the page side of a streamed download', () => {
  it('sends a chunk only when the worker asks, so no more chunks are in flight than were asked for', async () => {
    const worker = new FakeWorker();
    const { stream, seen } = source(10);
    const done = pumpToPort(stream, worker, { startWithin: 60_000 });
    await quiet();
    expect(seen.produced).toBe(0); // nothing is read before the browser asks

    worker.say({ type: 'pull' }, 3);
    await vi.waitFor(() => expect(worker.chunks).toHaveLength(3));
    await quiet();
    expect(worker.chunks).toHaveLength(3);
    expect(seen.produced).toBe(3);

    worker.say({ type: 'pull' }, 8); // seven chunks left, then the end
    await done;
    expect(worker.chunks.map((c) => c[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(worker.sent.at(-1)).toEqual({ type: 'end' });
    expect(worker.closed).toBe(true);
  });

  it('stops reading the source when the browser cancels the download', async () => {
    const worker = new FakeWorker();
    const { stream, seen } = source(10);
    const done = pumpToPort(stream, worker, { startWithin: 60_000 });
    worker.say({ type: 'pull' });
    await vi.waitFor(() => expect(worker.chunks).toHaveLength(1));
    worker.say({ type: 'cancel' });
    await expect(done).rejects.toBeInstanceOf(CancelledError);
    expect(seen.cancelled).toBeInstanceOf(CancelledError);
    worker.say({ type: 'pull' }, 5); // too late: nothing more goes out
    await quiet();
    expect(worker.chunks).toHaveLength(1);
    expect(seen.produced).toBe(1);
  });

  it('fails the browser download and cancels the source when the person cancels in our UI', async () => {
    const worker = new FakeWorker();
    const { stream, seen } = source(10);
    const abort = new AbortController();
    const done = pumpToPort(stream, worker, { signal: abort.signal, startWithin: 60_000 });
    worker.say({ type: 'pull' });
    await vi.waitFor(() => expect(worker.chunks).toHaveLength(1));
    abort.abort();
    await expect(done).rejects.toBeInstanceOf(CancelledError);
    expect(worker.sent.at(-1)).toEqual({ type: 'abort' });
    expect(seen.cancelled).toBeInstanceOf(CancelledError);
  });

  it('passes a failing source on to the browser as a failed download', async () => {
    const worker = new FakeWorker();
    const done = pumpToPort(source(10, 2).stream, worker, { startWithin: 60_000 });
    worker.say({ type: 'pull' }, 5);
    await expect(done).rejects.toThrow('does not match');
    expect(worker.chunks).toHaveLength(2);
    expect(worker.sent.at(-1)).toEqual({ type: 'error', message: 'The stored file does not match the message' });
  });

  it('gives up on a download the browser never starts, leaving the source unread for the fallback', async () => {
    vi.useFakeTimers();
    const worker = new FakeWorker();
    const { stream, seen } = source(3);
    const done = pumpToPort(stream, worker, { startWithin: 15_000 });
    vi.advanceTimersByTime(15_000);
    await expect(done).rejects.toBeInstanceOf(NotStartedError);
    expect(stream.locked).toBe(false);
    expect(seen.produced).toBe(0);
    expect(seen.cancelled).toBeNull();
  });
});
