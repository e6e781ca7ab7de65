import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Abilities } from '../accounts/abilities';
import type { EnvelopeKind, RoomKeyRing } from '../crypto';
import type { LocalProfile } from '../rooms/identity';
import { AwarenessRelay } from './awarenessRelay';
import { defaultMemberStore, type MemberStore, type Membership } from './memberStore';
import type { Envelope } from './protocol';
import { CLOSED_TEXT, closedBy, isFatalJoinError, RoomAccess, type RoomClosed } from './roomAccess';
import { RoomLobby } from './roomLobby';
import { RoomProtection } from './roomProtection';
import { REMOTE, StoredUpdates } from './storedUpdates';
import type { ConnectionState, RoomTransport } from './transport';
import { Value } from './value';

export type SyncStatus = 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface SyncProblem {
  kind: 'undecryptable' | 'rejected' | 'join-failed' | 'push-failed' | 'snapshot-failed';
  message: string;
}

export interface RoomSyncOptions {
  roomId: string;
  joinKey: Uint8Array;
  keys: RoomKeyRing;
  transport: RoomTransport;
  /** Member credentials and creator token; defaults to localStorage (`parley.member.{roomId}`) in a browser. */
  members?: MemberStore;
  /** This browser's name and colour, sent (encrypted) with every join for the creator's lobby. */
  profile?: LocalProfile;
  onProblem?: (problem: SyncProblem) => void;
  batchMs?: number;
  awarenessIntervalMs?: number;
  retryMs?: number;
}

export { REMOTE };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * One room's shared document over an untrusted relay: joins, catches up from snapshot + log,
 * pushes local edits (batched, encrypted, kept until acknowledged), rejoins after reconnects,
 * uploads snapshots when asked, and relays awareness.
 */
export class RoomSync {
  readonly doc = new Y.Doc();
  readonly text = this.doc.getText('code');
  readonly meta = this.doc.getMap<unknown>('meta');
  readonly awareness = new Awareness(this.doc);
  readonly status = new Value<SyncStatus>('connecting');
  /** Why the status is 'failed'. */
  readonly failure = new Value<string | null>(null);
  readonly onlineCount: Value<number>;
  /** Member ids online in the room, this browser included. */
  readonly online: Value<readonly string[]>;
  /**
   * Set once a join has completed and cleared when the connection drops. Chat and file transfers
   * wait for it: the hub refuses calls from connections that have not joined.
   */
  readonly membership = new Value<Membership | null>(null);
  memberId: string | null = null;
  /** Creator, kicks and the end of the room for this browser. */
  readonly access: RoomAccess;
  readonly creatorId: Value<string | null>;
  readonly isCreator: Value<boolean>;
  /** Set once the room is over for this browser (removed, or ended); it never rejoins after that. */
  readonly closed: Value<RoomClosed | null>;
  /** The room password: the lock everyone sees, the prompt when a join needs it, the creator's SetRoomPassword. */
  readonly protection: RoomProtection;
  /** The lobby: whether it is on, this browser waiting in it, the creator's join requests and decisions. */
  readonly lobby: RoomLobby;
  /** What this member may do (files, password) as a guest or signed in; null until the first join. */
  readonly abilities = new Value<Abilities | null>(null);

  private readonly stored: StoredUpdates;
  private readonly relay: AwarenessRelay;
  private batch: Uint8Array[] = [];
  private batchTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pending: Uint8Array[] = [];
  private pushing = false;
  private pushFailures = 0;
  private joined = false;
  private joinCount = 0;
  private everJoined = false;
  private session = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;
  private destroyed = false;
  /** Sends still on their way, so destroy() can let them finish before the connection closes. */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly options: RoomSyncOptions) {
    const { roomId, transport } = options;
    this.stored = new StoredUpdates(this.doc, roomId, options.keys, (message) => this.report('undecryptable', message));
    const members = options.members ?? defaultMemberStore();
    this.access = new RoomAccess({ roomId, transport, members, onClosed: this.onClosed, onRemoved: (id) => this.relay.memberLeft(id) });
    ({ creatorId: this.creatorId, isCreator: this.isCreator, closed: this.closed } = this.access);
    this.protection = new RoomProtection({ roomId, transport, rejoin: this.rejoin });
    this.lobby = new RoomLobby({ ...options, rejoin: this.rejoin, onRefused: () => this.access.close('refused') });
    this.relay = new AwarenessRelay(this.awareness, this.sendAwareness, options.awarenessIntervalMs ?? 50);
    this.onlineCount = this.relay.onlineCount;
    this.online = this.relay.online;
    this.doc.on('update', this.onLocalUpdate);
  }

  /** Highest seq up to which every update has been applied. */
  get lastSeq(): number {
    return this.stored.lastSeq;
  }

  /** The member an awareness client id belongs to, as far as this browser has seen. */
  memberOfClient(clientId: number): string | undefined {
    return clientId === this.awareness.clientID ? (this.memberId ?? undefined) : this.relay.memberOf(clientId);
  }

  /** Local updates not yet acknowledged by the server (batched ones count as one). */
  get pendingCount(): number {
    return this.pending.length + (this.batch.length > 0 ? 1 : 0);
  }

  start(): void {
    const { transport, roomId } = this.options;
    this.unsubscribe = transport.subscribe({
      connectionChanged: this.onConnection,
      docUpdate: (room, update) => room === roomId && void this.stored.apply(update),
      awareness: (room, sender, envelope) => room === roomId && void this.onAwareness(sender, envelope),
      memberJoined: (room, memberId) => room === roomId && (this.relay.memberJoined(memberId), this.lobby.drop(memberId)),
      memberLeft: (room, memberId) => room === roomId && this.relay.memberLeft(memberId),
      memberKicked: (room, memberId) => room === roomId && this.access.memberKicked(memberId),
      terminated: (room) => room === roomId && this.access.close('ended'),
      roomProtectionChanged: (room, isProtected) => room === roomId && this.protection.changed(isProtected),
      ...this.lobby.events,
    });
    if (transport.state === 'connected') void this.join();
  }

  /**
   * Stops syncing. The last batched keystrokes and a goodbye awareness state still go out; the
   * promise settles once they have (at most `timeoutMs`), after which the transport may close.
   */
  async destroy(timeoutMs = 3000): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.flushBatch();
    this.session++;
    this.membership.set(null);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.relay.destroy();
    this.unsubscribe?.();
    this.doc.off('update', this.onLocalUpdate);
    this.awareness.destroy();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.inflight]), deadline]);
    clearTimeout(timer);
  }

  private readonly onConnection = (state: ConnectionState) => {
    if (this.destroyed || this.status.get() === 'failed') return;
    if (state === 'connected') {
      if (!this.protection.waitingForPerson) void this.join();
      return;
    }
    this.session++; // answers to the old connection's join no longer count
    this.joined = false;
    this.membership.set(null);
    this.status.set(this.everJoined ? 'reconnecting' : 'connecting');
  };

  /** The room is over for this browser: unsent edits are moot, nothing more goes out, no rejoin. */
  private readonly onClosed = (reason: RoomClosed) => {
    this.session++;
    this.joined = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    this.batch = [];
    this.pending.length = 0;
    this.membership.set(null);
    this.failure.set(CLOSED_TEXT[reason]);
    this.status.set('failed'); // onConnection ignores reconnects from now on
  };

  private readonly rejoin = () => !this.destroyed && this.options.transport.state === 'connected' && void this.join();

  private async join(): Promise<void> {
    const session = ++this.session;
    this.joined = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const { roomId, joinKey, keys, transport } = this.options;
    try {
      const who = { ...this.access.credentials(), password: this.protection.joinPassword(), profile: await this.lobby.joinProfile() };
      const result = await transport.joinRoom({ roomId, joinKey, sinceSeq: this.stored.lastSeq, ...who });
      if (session !== this.session) return;
      this.memberId = result.memberId;
      this.access.joined(result); // a waiting member keeps its credentials too: they are what the creator admits
      this.protection.joined(result);
      if (this.lobby.joined(result)) return; // waiting, not failing: no retry; JoinDecided moves it on
      this.relay.setOnline(result.online, result.memberId);
      this.abilities.set(result.abilities);
      if (!keys.has(result.epoch)) this.report('undecryptable', `This browser has no key for epoch ${result.epoch}`);
      if (!(await this.stored.catchUp(result, (after) => transport.fetchUpdates(roomId, after), () => session === this.session))) return;
      this.joined = this.everJoined = true;
      this.joinCount++;
      this.membership.set({ memberId: result.memberId, memberToken: result.memberToken, joinCount: this.joinCount });
      this.status.set('connected');
      this.relay.sendFullState();
      void this.pushPending();
    } catch (error) {
      if (session !== this.session) return;
      // Not a failure: the person is asked, and no retry goes out until they answer.
      if (this.protection.refusedJoin(error)) return;
      const message = messageOf(error);
      this.report('join-failed', message);
      if (isFatalJoinError(message)) {
        this.failure.set(message);
        this.status.set('failed');
        const reason = closedBy(message);
        if (reason) this.access.close(reason);
      } else if (transport.state === 'connected') {
        // The connection is up but the join failed (server hiccup): try again. A dropped
        // connection needs nothing here, its reconnect starts a new join.
        this.retryTimer = setTimeout(() => void this.join(), this.options.retryMs ?? 2000);
      }
    }
  }

  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE) return;
    this.batch.push(update);
    this.batchTimer ??= setTimeout(this.flushBatch, this.options.batchMs ?? 30);
  };

  private readonly flushBatch = () => {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (this.batch.length === 0) return;
    this.pending.push(this.batch.length === 1 ? this.batch[0] : Y.mergeUpdates(this.batch));
    this.batch = [];
    this.track(this.pushPending());
  };

  /** One push in flight at a time; whatever waits is merged into it, acknowledged ones leave. */
  private async pushPending(): Promise<void> {
    if (this.pushing || !this.joined || this.pending.length === 0) return;
    this.pushing = true;
    const update = this.pending.length === 1 ? this.pending[0] : Y.mergeUpdates(this.pending);
    // Keep the merged form so a re-send after a reconnect is a single push as well.
    this.pending.splice(0, this.pending.length, update);
    let acknowledged = false;
    try {
      const result = await this.options.transport.pushDocUpdate(this.options.roomId, await this.seal('doc-update', update));
      this.pending.splice(this.pending.indexOf(update), 1);
      this.stored.record(result.seq);
      this.pushFailures = 0;
      acknowledged = true;
      if (result.snapshotDue) this.uploadSnapshot();
    } catch (error) {
      // Still pending either way. While connected it was refused, not lost: retry, backing off.
      if (this.joined && !this.destroyed) {
        this.report('push-failed', messageOf(error));
        const delay = Math.min(30_000, (this.options.retryMs ?? 2000) * 2 ** this.pushFailures++);
        this.retryTimer = setTimeout(() => void this.pushPending(), delay);
      }
    } finally {
      this.pushing = false;
    }
    if (acknowledged) this.track(this.pushPending());
  }

  private uploadSnapshot(): void {
    if (this.destroyed) return;
    const { transport, roomId } = this.options;
    this.stored
      .uploadSnapshot(async (upToSeq, state) => transport.pushSnapshot(roomId, upToSeq, await this.seal('doc-snapshot', state)))
      .catch((error: unknown) => this.report('snapshot-failed', messageOf(error))); // the next snapshotDue asks again
  }

  private async onAwareness(sender: string, envelope: Envelope): Promise<void> {
    try {
      const update = await this.options.keys.decrypt({ roomId: this.options.roomId, kind: 'awareness', sender }, envelope);
      if (!this.relay.applyRemote(sender, update)) this.report('rejected', `Ignored awareness from ${sender} naming clients not its own`);
    } catch (error) {
      this.report('undecryptable', `Skipped awareness from ${sender}: ${messageOf(error)}`);
    }
  }

  private readonly sendAwareness = (update: Uint8Array) => {
    // Awareness is ephemeral: while not joined it is dropped, and the full state goes out on join.
    if (!this.joined) return;
    const { transport, roomId } = this.options;
    this.track(
      this.seal('awareness', update)
        .then((envelope) => transport.pushAwareness(roomId, envelope))
        .catch(() => {}),
    );
  };

  private track(work: Promise<unknown>): void {
    this.inflight.add(work);
    const done = () => void this.inflight.delete(work);
    work.then(done, done);
  }

  private seal(kind: EnvelopeKind, plaintext: Uint8Array): Promise<Envelope> {
    if (!this.memberId) return Promise.reject(new Error('Not joined'));
    return this.options.keys.encrypt({ roomId: this.options.roomId, kind, sender: this.memberId }, plaintext);
  }

  private report(kind: SyncProblem['kind'], message: string): void {
    (this.options.onProblem ?? ((p: SyncProblem) => console.warn(`[parley] ${p.kind}: ${p.message}`)))({ kind, message });
  }
}
