import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DeviceIdentity, EnvelopeKind, LocalVault, RoomKeyRing } from '../crypto';
import { listsOtherDevice } from '../keys/memberDirectory';
import { RoomKeys } from '../keys/roomKeys';
import type { LocalProfile } from '../rooms/identity';
import { defaultMemberStore, type MemberStore, type Membership } from '../rooms/memberStore';
import { CLOSED_CODE, closedBy, isFatalJoinRefusal, RoomAccess, type RoomClosed } from '../rooms/roomAccess';
import { RoomLink } from '../rooms/roomLink';
import { RoomLobby } from '../rooms/roomLobby';
import { RoomProtection } from '../rooms/roomProtection';
import { Value } from '../state/value';
import type { Envelope, JoinResult } from '../wire/protocol';
import { errorText, REFUSAL_WORDS } from '../wire/refusalWords';
import { refusalCodeOf, type RefusalCode } from '../wire/refusals';
import type { ConnectionState, RoomTransport } from '../wire/transport';
import type { AwarenessRelay } from './awarenessRelay';
import { EncryptedAwareness } from './encryptedAwareness';
import { LocalEdits, settledWithin } from './localEdits';
import { GapFiller } from './gapFiller';
import { KeptRecord } from './keptRecord';
import { SnapshotReview } from './snapshotReview';
import { StoredUpdates } from './storedUpdates';

export type SyncStatus = 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface SyncProblem {
  kind: 'undecryptable' | 'rejected' | 'join-failed' | 'push-failed' | 'snapshot-failed' | 'keys';
  message: string;
}

export interface RoomSyncOptions {
  roomId: string;
  /** The page's link secret: it admits a new member, and checks joiners' proofs until the room's own copy is read. */
  linkSecret: Uint8Array;
  /** This browser profile's device keys: grants are wrapped for them. */
  device: DeviceIdentity;
  /** Room keys by epoch, shared with the chat; only grants (or this browser's own rotations) fill it. */
  keys: RoomKeyRing;
  transport: RoomTransport;
  /** Member credentials and creator token; defaults to localStorage (`parley.member.{roomId}`) in a browser. */
  members?: MemberStore;
  /** This browser's name and colour, sent (encrypted) with every join for the creator's lobby. */
  profile?: Value<LocalProfile>;
  onProblem?: (problem: SyncProblem) => void;
  /** Where unacknowledged edits outlive the page (see KeptRecord); without it they last for this page only. */
  vault?: Promise<LocalVault | null>;
  batchMs?: number;
  awarenessIntervalMs?: number;
  retryMs?: number;
  /** Wait before a rotation any keyed member may make; random 2–6 s by default. */
  rotationDelayMs?: () => number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * One room's shared document over an untrusted relay: joins, waits for the room's key, catches up
 * from snapshot + log, pushes local edits (see LocalEdits), rejoins after reconnects, uploads
 * snapshots when asked or after rotating the key, and relays awareness.
 */
export class RoomSync {
  readonly doc = new Y.Doc();
  readonly text = this.doc.getText('code');
  readonly meta = this.doc.getMap<unknown>('meta');
  readonly awareness = new Awareness(this.doc);
  readonly status = new Value<SyncStatus>('connecting');
  /** Why the status is 'failed', in words for the person. */
  readonly failure = new Value<string | null>(null);
  /** Why a join was refused for good (a renewed link, a room that is gone); this browser never gets in with it. */
  readonly joinRefusal = new Value<RefusalCode | null>(null);
  readonly onlineCount: Value<number>;
  /** Member ids online in the room, this browser included. */
  readonly online: Value<readonly string[]>;
  /**
   * Set once a join has completed with the room's key in hand, and cleared when the connection
   * drops. Chat and file transfers wait for it: the hub refuses calls from connections that have not joined.
   */
  readonly membership = new Value<Membership | null>(null);
  memberId: string | null = null;
  /** Creator, kicks, leaving and the end of the room for this browser. */
  readonly access: RoomAccess;
  readonly creatorId: Value<string | null>;
  readonly isCreator: Value<boolean>;
  /** Set once the room is over for this browser (removed, ended, refused, left); it never rejoins after that. */
  readonly closed: Value<RoomClosed | null>;
  /** The room password: the lock everyone sees, the prompt when a join needs it, the creator's SetRoomPassword. */
  readonly protection: RoomProtection;
  /** The lobby: whether it is on, this browser waiting in it, the creator's join requests and decisions. */
  readonly lobby: RoomLobby;
  /** The invite link as the room knows it now (it follows renewals). */
  readonly link: RoomLink;
  /** Grants, rotations, the room's name and history setting, member fingerprints. */
  readonly roomKeys: RoomKeys;

  private readonly stored: StoredUpdates;
  private readonly sharedAwareness: EncryptedAwareness;
  private readonly relay: AwarenessRelay;
  private readonly edits: LocalEdits;
  private readonly kept: KeptRecord;
  private readonly snapshots: SnapshotReview;
  private readonly gaps: GapFiller;
  private joined = false;
  private joinCount = 0;
  private everJoined = false;
  private session = 0;
  /** The session whose join holds the room's key: its updates may be applied. */
  private keyedSession = -1;
  /** A stored membership whose device keys were lost is dropped once, for a fresh one. */
  private replacedMember = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private destroyed = false;

  constructor(private readonly options: RoomSyncOptions) {
    const { roomId, transport, keys } = options;
    this.stored = new StoredUpdates(this.doc, roomId, keys, (message) => this.report('undecryptable', message));
    this.gaps = new GapFiller({
      lastSeq: () => this.stored.lastSeq,
      hasGap: () => this.stored.hasGap,
      paused: () => !this.joined || this.roomKeys.waiting.get(),
      fetchUpdates: (afterSeq) => transport.fetchUpdates(roomId, afterSeq),
      apply: (update) => this.stored.apply(update),
      rejoin: this.rejoin,
    });
    const members = options.members ?? defaultMemberStore();
    this.access = new RoomAccess({ roomId, transport, members, onClosed: this.onClosed, onRemoved: this.onRemoved, onKicked: this.onKicked });
    ({ creatorId: this.creatorId, isCreator: this.isCreator, closed: this.closed } = this.access);
    this.protection = new RoomProtection({ roomId, transport, rejoin: this.rejoin });
    this.link = new RoomLink(roomId, options.linkSecret);
    this.lobby = new RoomLobby({ ...options, link: this.link, rejoin: this.rejoin, onRefused: () => this.access.close('refused') });
    this.roomKeys = new RoomKeys({
      ...options,
      ring: keys,
      link: this.link,
      isCreator: () => this.access.isCreator.get(),
      rejoin: this.rejoin,
      onRotated: () => this.joined && this.uploadSnapshot(),
      report: (message) => this.report('keys', message),
    });
    const report = (kind: SyncProblem['kind'], message: string) => this.report(kind, message);
    const intervalMs = options.awarenessIntervalMs ?? 50;
    const sender = () => this.memberId;
    this.sharedAwareness = new EncryptedAwareness(this.awareness, { roomId, keys, transport, sender, canSend: () => this.joined, report, intervalMs });
    this.relay = this.sharedAwareness.relay;
    this.onlineCount = this.relay.onlineCount;
    this.online = this.relay.online;
    this.snapshots = new SnapshotReview({
      roomId,
      keys,
      transport,
      self: () => this.memberId,
      incomplete: () => this.stored.incomplete,
      upload: () => this.uploadSnapshot(),
      report: (message) => this.report('snapshot-failed', message),
    });
    this.edits = new LocalEdits({
      doc: this.doc,
      seal: (update) => this.seal('doc-update', update),
      send: (envelope) => transport.pushDocUpdate(roomId, envelope),
      canPush: () => this.joined,
      keyEpoch: () => keys.currentEpoch,
      acknowledged: (result) => {
        this.stored.record(result.seq);
        if (result.confirmDue) this.snapshots.answer(result.confirmDue);
        else if (result.snapshotDue) this.uploadSnapshot();
      },
      // Another member's snapshot may be all that would free the log: check it first, else offer ours.
      logFull: () => this.snapshots.answer(),
      report: (message) => this.report('push-failed', message),
      changed: () => this.kept.changed(),
      batchMs: options.batchMs,
      retryMs: options.retryMs,
    });
    this.kept = new KeptRecord({
      vault: options.vault ?? Promise.resolve(null),
      name: `${roomId}/edits`,
      snapshot: () => this.edits.unacknowledged(),
      report: (message) => this.report('push-failed', message),
    });
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
    return this.edits.count;
  }

  start(): void {
    const { transport, roomId, keys } = this.options;
    const here = (room: string) => room === roomId;
    this.unsubscribe.push(
      transport.subscribe({
        connectionChanged: this.onConnection,
        docUpdate: (room, update) => here(room) && this.keyedSession === this.session && void this.stored.apply(update).then(() => this.gaps.noticed()),
        awareness: (room, sender, envelope) => here(room) && void this.sharedAwareness.receive(sender, envelope),
        memberJoined: (room, memberId) => here(room) && (this.relay.memberJoined(memberId), this.lobby.drop(memberId)),
        memberLeft: (room, memberId) => here(room) && this.relay.memberLeft(memberId),
        roomProtectionChanged: (room, isProtected) => here(room) && this.protection.changed(isProtected),
        ...this.access.events,
        ...this.lobby.events,
        ...this.roomKeys.events,
      }),
      // A newer key: edits refused as stale go out again, sealed under it.
      keys.subscribe(() => this.edits.push()),
    );
    if (transport.state === 'connected') void this.join();
    // What an earlier visit typed and the room never acknowledged goes out with this one.
    void this.kept.load().then((updates) => this.restoreKept(updates));
  }

  /** Edits closed tabs of this room left unacknowledged: applied here and pushed by this tab. */
  private restoreKept(updates: Uint8Array[]): void {
    if (updates.length === 0 || this.destroyed || this.status.get() === 'failed') return;
    for (const update of updates) {
      try {
        this.edits.restore(update);
      } catch (error) {
        this.report('push-failed', `Could not restore unsent edits: ${messageOf(error)}`);
      }
    }
    this.kept.taken();
  }

  /**
   * Stops syncing. The last batched keystrokes and a goodbye awareness state still go out; the
   * promise settles once they have (at most `timeoutMs`), after which the transport may close.
   */
  async destroy(timeoutMs = 3000): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.edits.flush();
    this.session++;
    this.membership.set(null);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.gaps.stop();
    this.relay.destroy();
    this.roomKeys.destroy();
    for (const off of this.unsubscribe) off();
    this.edits.stop();
    this.awareness.destroy();
    await settledWithin([...this.edits.inflight, ...this.sharedAwareness.inflight], timeoutMs);
    // After the last acknowledgements: what they covered is no longer kept.
    await this.kept.stop();
  }

  private readonly onConnection = (state: ConnectionState) => {
    if (this.destroyed || this.status.get() === 'failed') return;
    if (state === 'connected') {
      if (!this.protection.waitingForPerson) void this.join();
      return;
    }
    this.session++; // answers to the old connection's join no longer count
    this.joined = false;
    this.gaps.stop(); // the next join's catch-up fills any gap
    this.membership.set(null);
    this.status.set(this.everJoined ? 'reconnecting' : 'connecting');
  };

  /** The room is over for this browser: unsent edits are moot, nothing more goes out, no rejoin. */
  private readonly onClosed = (reason: RoomClosed) => {
    this.session++;
    this.joined = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.gaps.stop();
    this.edits.drop();
    void this.kept.forget(); // with what closed tabs left for this room
    this.roomKeys.destroy();
    this.membership.set(null);
    this.failure.set(REFUSAL_WORDS[CLOSED_CODE[reason]] ?? reason);
    this.status.set('failed'); // onConnection ignores reconnects from now on
  };

  /** Another member was kicked or left: its cursors and presence go at once, and it gets no more keys. */
  private readonly onRemoved = (memberId: string) => {
    this.relay.memberLeft(memberId);
    this.roomKeys.forget(memberId);
  };

  /** The creator's own kick: the kicked person knew the key and the link, so both change at once. */
  private readonly onKicked = () => {
    this.roomKeys.rotate(true).catch((error: unknown) => this.report('keys', `Could not renew the room's key and link: ${messageOf(error)}`));
  };

  private readonly rejoin = () => !this.destroyed && this.options.transport.state === 'connected' && void this.join();

  private async join(): Promise<void> {
    const session = ++this.session;
    this.joined = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const { roomId, transport } = this.options;
    try {
      const who = { ...this.access.credentials(), password: this.protection.joinPassword(), profile: await this.lobby.joinProfile() };
      const result = await transport.joinRoom({ roomId, sinceSeq: this.stored.lastSeq, ...who, ...(await this.link.joinFields(this.options.device)) });
      if (session !== this.session) return;
      this.memberId = result.memberId;
      this.access.joined(result); // a waiting member keeps its credentials too: they are what the creator admits
      this.protection.joined(result);
      if (this.lobby.joined(result)) return; // waiting, not failing: no retry; JoinDecided moves it on
      if (listsOtherDevice(result, this.options.device) && !this.replacedMember) {
        // The server knows this member with device keys this browser lost (storage cleared, or no
        // IndexedDB): no grant could ever be opened here, so join as a new member, once.
        this.replacedMember = true;
        this.report('keys', 'This browser lost the device keys its membership was made with; joining as a new member');
        this.access.forgetMembership();
        return void this.rejoin();
      }
      this.relay.setOnline(result.online, result.memberId);
      await this.roomKeys.joined(result);
      // Without the room's key nothing can be read or sent: wait (RoomKeys.waiting) until a grant comes, then join again.
      if (session !== this.session || !this.roomKeys.holdsCurrent) return;
      await this.enter(result, session);
    } catch (error) {
      this.joinFailed(error, session);
    }
  }

  /** Catches up and opens the room for editing, chat and files. */
  private async enter(result: JoinResult, session: number): Promise<void> {
    const { roomId, transport } = this.options;
    this.keyedSession = session;
    if (!(await this.stored.catchUp(result, (after) => transport.fetchUpdates(roomId, after), () => session === this.session))) return;
    this.joined = this.everJoined = true;
    this.joinCount++;
    this.membership.set({ memberId: result.memberId, memberToken: result.memberToken, joinCount: this.joinCount });
    this.status.set('connected');
    this.relay.sendFullState();
    this.edits.push();
  }

  private joinFailed(error: unknown, session: number): void {
    // A password refusal is no failure: the person is asked, and no retry goes out until they answer.
    if (session !== this.session || this.protection.refusedJoin(error)) return;
    this.report('join-failed', messageOf(error));
    const code = refusalCodeOf(error);
    if (isFatalJoinRefusal(code)) {
      this.failure.set(errorText(error));
      this.joinRefusal.set(code);
      this.status.set('failed');
      const reason = closedBy(code);
      if (reason) this.access.close(reason);
    } else if (this.options.transport.state === 'connected') {
      // The connection is up but the join failed (server hiccup): try again. A dropped
      // connection needs nothing here, its reconnect starts a new join.
      this.retryTimer = setTimeout(() => void this.join(), this.options.retryMs ?? 2000);
    }
  }

  private uploadSnapshot(): void {
    if (this.destroyed) return;
    const { transport, roomId } = this.options;
    this.stored
      .uploadSnapshot(async (upToSeq, state) => transport.pushSnapshot(roomId, upToSeq, await this.seal('doc-snapshot', state)))
      .catch((error: unknown) => this.report('snapshot-failed', messageOf(error))); // the next snapshotDue asks again
  }

  private seal(kind: EnvelopeKind, plaintext: Uint8Array): Promise<Envelope> {
    if (!this.memberId) return Promise.reject(new Error('Not joined'));
    return this.options.keys.encrypt({ roomId: this.options.roomId, kind, sender: this.memberId }, plaintext);
  }

  private report(kind: SyncProblem['kind'], message: string): void {
    (this.options.onProblem ?? ((p: SyncProblem) => console.warn(`[parley] ${p.kind}: ${p.message}`)))({ kind, message });
  }
}
