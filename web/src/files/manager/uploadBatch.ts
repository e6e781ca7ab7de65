import { Value } from '../../state/value';
import type { Entry } from '../../wire/protocol';
import { errorText } from '../../wire/refusalWords';
import { refusalCodeOf, type RefusalCode } from '../../wire/refusals';
import { ConnectionError } from '../../wire/transport';
import { isRetryable, type FileApi } from '../fileApi';
import { isAbort, type Transfer, type TransferProgress, type TransferState } from '../transfer';
import { UploadTask, type UploadOptions } from '../uploader';
import { folderMeta, type FileMeta } from './fileMeta';
import { pathLabel } from './names';
import { uploadLabel, type PlannedFile, type UploadPlan } from './uploadPlan';

/** How the file manager writes an entry: seals the meta under the current key and sends PutEntry. */
export interface EntryWriter {
  api: FileApi;
  write(meta: FileMeta, target: { entryId: string | null; fileId: string | null; expectedVersion: number }): Promise<Entry>;
  /** The entry pointing at a blob, if the list has one: a PutEntry whose answer was lost did go through. */
  entryWithFile(fileId: string): Entry | undefined;
}

/** An entry a new version replaces: its id and the version the new one follows. */
export interface Replaces {
  entryId: string;
  version: number;
}

/** Refusals that pass by themselves: the caller was too quick, or its connection has not joined the room again yet. */
const PASSING: ReadonlySet<RefusalCode | null> = new Set(['rate-limited', 'not-member', 'server-unavailable']);

/** Failures worth another try by themselves: the network, the server, or the hub connection had a moment. */
export const isPassing = (error: unknown) => isRetryable(error) || error instanceof ConnectionError || PASSING.has(refusalCodeOf(error));

/**
 * One file of a batch: its encrypted upload (resumable, see UploadTask), then the PutEntry that
 * makes it an entry. `run` again after a failure resumes from where it stopped.
 */
export class FileUpload implements Transfer {
  readonly name: string;
  readonly size: number;
  readonly progress: Value<TransferProgress>;
  readonly state = new Value<TransferState>('waiting');
  readonly error = new Value<string | null>(null);
  /** Whether the last failure may pass by itself (network, server, connection). */
  passing = false;
  tries = 0;
  private readonly task: UploadTask;
  private entry: Entry | null = null;

  constructor(
    readonly planned: PlannedFile,
    private readonly writer: EntryWriter,
    readonly replaces: Replaces | null = null,
    taskOptions: Partial<UploadOptions> = {},
  ) {
    this.name = pathLabel(planned.path);
    this.size = planned.size;
    this.task = new UploadTask(planned.file, planned.path.at(-1)!, { ...taskOptions, api: writer.api });
    this.progress = this.task.progress;
  }

  async run(): Promise<void> {
    const state = this.state.get();
    if (state === 'done' || state === 'cancelled' || state === 'running') return;
    this.state.set('running');
    this.error.set(null);
    this.tries++;
    try {
      const uploaded = await this.task.upload();
      if (!uploaded) return void this.state.set('cancelled');
      this.entry ??= this.writer.entryWithFile(uploaded.fileId) ?? null;
      if (!this.entry) {
        const meta: FileMeta = { kind: 'file', path: this.planned.path, type: uploaded.type, size: uploaded.size, key: uploaded.key };
        const target = { entryId: this.replaces?.entryId ?? null, fileId: uploaded.fileId, expectedVersion: this.replaces?.version ?? 0 };
        this.entry = await this.writer.write(meta, target).catch((error: unknown) => this.refused(error, uploaded.fileId));
      }
      this.state.set('done');
    } catch (error) {
      if (this.state.get() === 'cancelled' || isAbort(error)) return void this.state.set('cancelled');
      this.passing = isPassing(error);
      this.error.set(errorText(error));
      this.state.set('failed');
    }
  }

  cancel(): void {
    if (this.state.get() === 'done') return;
    this.state.set('cancelled');
    this.task.cancel();
  }

  /** A replacement someone else beat: the new blob is no use to anyone, so it goes. */
  private refused(error: unknown, fileId: string): never {
    if (refusalCodeOf(error) === 'entry-stale') {
      void this.writer.api.remove(fileId).catch(() => {});
      this.task.cancel();
      throw new Error(`Someone else changed ${this.name} meanwhile; nothing was replaced.`);
    }
    throw error;
  }
}

export interface UploadBatchOptions {
  /** Files uploading at once (each sends up to three chunks at a time). */
  parallel?: number;
  /** First wait before a failure that may pass is tried again; it doubles each time. 0: no automatic retry. */
  retryMs?: number;
  maxTries?: number;
  /** Passed to each file's UploadTask (chunk retries). */
  task?: Partial<UploadOptions>;
}

export type BatchState = 'running' | 'done' | 'failed' | 'cancelled';

/** An upload of many files: the folders first, then the files a few at a time, with one overall progress. */
export class UploadBatch {
  readonly files: FileUpload[];
  readonly label: string;
  readonly progress: Value<TransferProgress>;
  readonly state = new Value<BatchState>('running');
  /** What went wrong making the folders, if anything. */
  readonly error = new Value<string | null>(null);
  private foldersMade = 0;
  private running: Promise<void> | null = null;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly plan: UploadPlan,
    private readonly writer: EntryWriter,
    private readonly options: UploadBatchOptions = {},
    replaces: Replaces | null = null,
  ) {
    this.files = plan.files.map((f) => new FileUpload(f, writer, replaces, options.task));
    this.label = uploadLabel(plan.files);
    this.progress = new Value({ done: 0, total: plan.totalBytes });
    const sum = () => this.progress.set(this.files.reduce((p, f) => ({ done: p.done + f.progress.get().done, total: p.total + f.size }), { done: 0, total: 0 }));
    for (const f of this.files) f.progress.subscribe(sum);
  }

  /** Runs what is not done yet; resolves when every file is done, failed or cancelled. */
  run(): Promise<void> {
    this.running ??= this.runOnce().finally(() => (this.running = null));
    return this.running;
  }

  /** Tries the failed files (and folders) again now; each resumes where it stopped. */
  retry(): Promise<void> {
    for (const f of this.files) if (f.state.get() === 'failed') f.state.set('waiting');
    return this.run();
  }

  /** After a rejoin: the files that failed on a passing problem go again (a refusal such as a quota stays failed). */
  resume(): void {
    const passing = this.files.filter((f) => f.state.get() === 'failed' && f.passing);
    const foldersLeft = this.error.get() !== null && this.foldersMade < this.plan.folders.length;
    if (passing.length === 0 && !foldersLeft) return;
    for (const f of passing) f.state.set('waiting');
    void this.run();
  }

  cancel(): void {
    for (const timer of this.timers) clearTimeout(timer);
    for (const f of this.files) f.cancel();
    this.state.set(this.files.some((f) => f.state.get() === 'done') ? 'done' : 'cancelled');
  }

  private async runOnce(): Promise<void> {
    if (this.state.get() === 'cancelled') return;
    this.state.set('running');
    this.error.set(null);
    try {
      for (; this.foldersMade < this.plan.folders.length; this.foldersMade++) {
        await this.writer.write(folderMeta(this.plan.folders[this.foldersMade]), { entryId: null, fileId: null, expectedVersion: 0 });
      }
    } catch (error) {
      this.error.set(`Could not make the folder ${pathLabel(this.plan.folders[this.foldersMade])}: ${errorText(error)}`);
      this.state.set('failed');
      if (isPassing(error)) this.later(() => this.run(), 1);
      return;
    }
    // Files put back to waiting meanwhile (a retry) are picked up by the same run.
    const next = () => this.files.find((f) => f.state.get() === 'waiting');
    const worker = async () => {
      for (let f = next(); f; f = next()) {
        await f.run(); // marks it running before its first await, so no other worker takes it
        this.retryLater(f);
      }
    };
    while (next()) await Promise.all(Array.from({ length: this.options.parallel ?? 2 }, worker));
    this.settle();
  }

  private retryLater(f: FileUpload): void {
    if (f.state.get() !== 'failed' || !f.passing || f.tries >= (this.options.maxTries ?? 6)) return;
    this.later(() => {
      if (f.state.get() !== 'failed') return;
      f.state.set('waiting');
      return this.running ? undefined : this.run();
    }, f.tries);
  }

  private later(work: () => Promise<void> | void, tries: number): void {
    const base = this.options.retryMs ?? 2000;
    if (base <= 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void work();
    }, Math.min(30_000, base * 2 ** (tries - 1)));
    this.timers.add(timer);
  }

  private settle(): void {
    const states = this.files.map((f) => f.state.get());
    if (states.some((s) => s === 'waiting' || s === 'running')) return;
    if (states.some((s) => s === 'failed')) this.state.set('failed');
    else if (states.length > 0 && states.every((s) => s === 'cancelled')) this.state.set('cancelled');
    else this.state.set('done');
  }
}
