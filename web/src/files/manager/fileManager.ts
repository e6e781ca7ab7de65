import type { Abilities } from '../../accounts/abilities';
import { SIGN_IN_TO_SHARE_FILES } from '../../accounts/abilities';
import type { RoomKeyRing } from '../../crypto';
import type { Membership } from '../../rooms/memberStore';
import { Value } from '../../state/value';
import { LIMITS } from '../../wire/limits';
import { type Entry, type Rotation } from '../../wire/protocol';
import { errorText } from '../../wire/refusalWords';
import type { RoomTransport } from '../../wire/transport';
import { DownloadTask } from '../downloader';
import type { FileApi, FileApiOptions } from '../fileApi';
import { saveDownload } from '../save';
import type { Transfer } from '../transfer';
import { ActivityLog } from './activityLog';
import { applyChanges, deleteAll, deletedText, newFolderProblem, planDelete, planMove, planRename, type EditPlan } from './entryEdits';
import { EntryList, until } from './entryList';
import { folderMeta, sealFileMeta, type FileMeta } from './fileMeta';
import type { FileNode, FolderNode, TreeNode } from './fileTree';
import { resealEntries, rotatedBy } from './metaReseal';
import { zipPath } from './names';
import { fetchUsage, type Usage } from './roomUsage';
import { UploadBatch, type UploadBatchOptions } from './uploadBatch';
import { limitProblems, planUpload, type PlanResult, type UploadLimits, type UploadRequest } from './uploadPlan';
import { ZipDownload, zipItems } from './zipDownload';

export interface FileManagerOptions {
  roomId: string;
  transport: RoomTransport;
  keys: RoomKeyRing;
  /** RoomSync's membership: hub calls wait for it. */
  membership: Value<Membership | null>;
  abilities: Value<Abilities | null>;
  api: FileApi;
  /** For `GET …/usage`; its credentials are the file API's. */
  apiOptions: FileApiOptions;
  /** Replaces the usage request (tests). */
  usage?: () => Promise<Usage>;
  report?: (message: string) => void;
  uploads?: UploadBatchOptions;
}

/**
 * The room's file manager for one browser: the entries and their decrypted metas (EntryList),
 * uploads, downloads, edits, the activity log, and the re-seal after this browser rotates the key.
 * It lives as long as the room session, so uploads go on while the person is back in the editor.
 */
export class FileManager {
  readonly list: EntryList;
  readonly activity: ActivityLog;
  readonly uploads = new Value<readonly UploadBatch[]>([]);
  readonly downloads = new Value<readonly Transfer[]>([]);
  private readonly unsubscribe: (() => void)[] = [];
  private resealing: Promise<void> = Promise.resolve();

  constructor(private readonly options: FileManagerOptions) {
    const { roomId, transport } = options;
    this.list = new EntryList(options);
    this.activity = new ActivityLog(async (before, limit) => {
      await until(options.membership);
      return transport.activityLog(roomId, before, limit);
    });
  }

  start(): void {
    const { transport, roomId, membership } = this.options;
    this.list.start();
    this.unsubscribe.push(
      transport.subscribe({ keyRotated: (room, rotation) => room === roomId && this.rotated(rotation) }),
      // Back after a drop: uploads that failed on the way resume by themselves.
      membership.subscribe((m) => m && this.uploads.get().forEach((b) => b.resume())),
    );
  }

  destroy(): void {
    for (const off of this.unsubscribe) off();
    this.list.destroy();
    for (const batch of this.uploads.get()) if (batch.state.get() === 'running') batch.cancel();
    for (const download of this.downloads.get()) download.cancel();
  }

  get memberId(): string | null {
    return this.options.membership.get()?.memberId ?? null;
  }

  /** What the access policy lets this member do; the server checks too. */
  mayShare(): boolean {
    return this.options.abilities.get()?.shareFiles === true;
  }

  /** Seals `meta` under the current key as this member and writes it; the answer updates the list at once. */
  readonly write = async (meta: FileMeta, target: { entryId: string | null; fileId: string | null; expectedVersion: number }): Promise<Entry> => {
    const { roomId, transport, keys, membership } = this.options;
    const { memberId } = await until(membership);
    const envelope = await sealFileMeta(keys, roomId, memberId, meta);
    const entry = await transport.putEntry(roomId, { ...target, meta: envelope });
    this.list.apply([entry]);
    return entry;
  };

  /** Checks names and limits; nothing is sent yet. */
  async plan(request: UploadRequest, tree: FolderNode): Promise<PlanResult> {
    if (!this.mayShare()) return { plan: null, problems: [`${SIGN_IN_TO_SHARE_FILES}.`] };
    return planUpload(request, tree, await this.limits());
  }

  /** Plans, and when nothing is wrong starts the upload; otherwise returns why nothing was uploaded. */
  async upload(request: UploadRequest, tree: FolderNode): Promise<{ batch: UploadBatch | null; problems: string[] }> {
    const { plan, problems } = await this.plan(request, tree);
    if (!plan) return { batch: null, problems };
    return { batch: this.startBatch(new UploadBatch(plan, this.writer(), this.options.uploads)), problems: [] };
  }

  /** A new version of a file: uploaded, then PutEntry with the version it replaces (the old blob goes). */
  async replace(node: FileNode, file: Blob): Promise<{ batch: UploadBatch | null; problems: string[] }> {
    if (!this.mayShare()) return { batch: null, problems: [`${SIGN_IN_TO_SHARE_FILES}.`] };
    const planned = { file, path: node.path, size: file.size, type: file.type || 'application/octet-stream' };
    // The new blob counts against the quota until the old one is deleted, so the whole size is checked.
    const limits = await this.limits();
    const problems = limits ? limitProblems([planned], limits) : [];
    if (problems.length > 0) return { batch: null, problems };
    const replaces = { entryId: node.item.entry.entryId, version: node.item.entry.version };
    const plan = { folders: [], files: [planned], totalBytes: file.size };
    return { batch: this.startBatch(new UploadBatch(plan, this.writer(), this.options.uploads, replaces)), problems: [] };
  }

  async createFolder(tree: FolderNode, parent: string[], name: string): Promise<void> {
    const problem = newFolderProblem(tree, parent, name.trim());
    if (problem) throw new Error(problem);
    await this.write(folderMeta([...parent, name.trim()]), { entryId: null, fileId: null, expectedVersion: 0 });
  }

  /** Renames a file or folder (every entry inside a folder gets the new path). Throws with what failed. */
  rename(tree: FolderNode, node: TreeNode, name: string): Promise<void> {
    return this.edit(planRename(tree, node, name.trim()));
  }

  move(tree: FolderNode, nodes: readonly TreeNode[], destination: string[]): Promise<void> {
    return this.edit(planMove(tree, nodes, destination));
  }

  /** Deletes the nodes and everything in them for real; resolves to what to tell the person. */
  async remove(nodes: readonly TreeNode[]): Promise<string> {
    const { entryIds, labels } = planDelete(nodes);
    const { roomId, transport, membership } = this.options;
    await until(membership);
    await deleteAll((ids) => transport.deleteEntries(roomId, ids), entryIds);
    this.list.remove(entryIds);
    return deletedText(labels);
  }

  /** One file, decrypted to disk; call straight from the click (the save dialog needs it). */
  downloadFile(node: FileNode): DownloadTask | null {
    const { meta, entry } = node.item;
    if (!meta?.key || !entry.fileId) return null;
    const name = zipPath([node.name]);
    const task = new DownloadTask(this.options.api, { fileId: entry.fileId, key: meta.key, name, size: meta.size ?? entry.size });
    this.track(task);
    saveDownload(task, name).catch(() => {}); // shown by the task's own state
    return task;
  }

  /** Several files and folders as one zip streamed to disk; call straight from the click. */
  downloadZip(nodes: readonly TreeNode[], name: string): ZipDownload {
    const zip = new ZipDownload(this.options.api, zipPath([name], 'files.zip'), zipItems(nodes));
    this.track(zip);
    void zip.save();
    return zip;
  }

  /** Takes a finished upload or download off the list (cancelling it if it still runs). */
  dismiss(transfer: UploadBatch | Transfer): void {
    if (transfer instanceof UploadBatch) {
      if (transfer.state.get() === 'running') transfer.cancel();
      this.uploads.set(this.uploads.get().filter((b) => b !== transfer));
    } else {
      transfer.cancel();
      this.downloads.set(this.downloads.get().filter((d) => d !== transfer));
    }
  }

  /** Re-seals every entry under the current key (after this browser's rotation). */
  resealAll(): Promise<void> {
    const run = this.resealing.then(async () => {
      const { roomId, keys, transport, membership } = this.options;
      if (!this.mayShare()) return this.report('Could not re-seal the file list under the new key: this member may not share files.');
      await until(membership);
      const entries: Entry[] = [];
      for (let after: string | null = null; ; ) {
        const page = await transport.listEntries(roomId, after, LIMITS.entriesMaxPage);
        entries.push(...page.entries);
        if (!page.more || page.entries.length === 0) break;
        after = page.entries[page.entries.length - 1].entryId;
      }
      const result = await resealEntries({ roomId, keys, entries, write: this.write });
      if (result.failed.length > 0) this.report(`Could not re-seal ${result.failed.length} entries: ${result.failed.join('; ')}`);
    });
    this.resealing = run.catch((error: unknown) => this.report(`Could not re-seal the file list: ${errorText(error)}`));
    return this.resealing;
  }

  private rotated(rotation: Rotation): void {
    if (!rotatedBy(rotation, this.memberId)) return;
    const { keys } = this.options;
    // The new key joins the ring once the rotation is done here; the re-seal waits for it.
    if (keys.currentEpoch >= rotation.epoch) return void this.resealAll();
    const off = keys.subscribe((epoch) => {
      if (epoch < rotation.epoch) return;
      off();
      void this.resealAll();
    });
  }

  private async edit(plan: EditPlan): Promise<void> {
    if (plan.problem !== null) throw new Error(plan.problem);
    const failed = await applyChanges(this.write, plan.changes);
    if (failed.length > 0) throw new Error(`Not everything changed: ${failed.join('; ')}`);
  }

  private async limits(): Promise<UploadLimits | null> {
    try {
      const usage = await (this.options.usage ?? (() => fetchUsage(this.options.apiOptions)))();
      return { ...usage };
    } catch {
      // Unknown usage (a network moment): the per-file limit still comes from /api/limits.
      const limits = await this.options.api.limits().catch(() => null);
      return limits && { maxFileBytes: limits.maxFileBytes, maxRoomBytes: null, usedBytes: null };
    }
  }

  private writer() {
    return { api: this.options.api, write: this.write, entryWithFile: (fileId: string) => this.list.byFileId(fileId)?.entry };
  }

  private startBatch(batch: UploadBatch): UploadBatch {
    this.uploads.set([...this.uploads.get(), batch]);
    void batch.run();
    return batch;
  }

  private track(transfer: Transfer): void {
    this.downloads.set([...this.downloads.get().slice(-9), transfer]);
  }

  private report(message: string): void {
    (this.options.report ?? ((m: string) => console.warn(`[parley] files: ${m}`)))(message);
  }
}
