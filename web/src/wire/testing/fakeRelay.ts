// An in-memory stand-in for the hub, for unit tests only: it orders, stores and fans out opaque
// envelopes the way docs/protocol.md describes, and lets a test drop connections and replies.
// Its key rules (grants, rotations, the epoch check) live in FakeKeys.
import { NO_ABILITIES, type Abilities } from '../abilities';
import { LIMITS } from '../limits';
import type {
  Envelope,
  JoinRequest,
  JoinRequestInfo,
  JoinResult,
  PendingSnapshot,
  PushResult,
  StoredSnapshot,
  StoredUpdate,
  UpdatePage,
} from '../protocol';
import type { TransportEvents } from '../transport';
import { FakeChat } from './fakeChat';
import { FakeEntries } from './fakeEntries';
import { FakeKeys } from './fakeKeys';
import { FakeTransport, type FakeHub } from './fakeTransport';
import { hubRefusal } from './hubRefusal';
import type { RefusalCode } from '../refusals';

export { FakeTransport };

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const sha256 = async (bytes: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));

export interface FakeRelayOptions {
  /** The room is at epoch 0 already and every browser was given its key by the test (see FakeKeys). */
  preKeyed?: boolean;
  /** A server that lets anyone in: the join key is not checked (members' browsers must still refuse to grant). */
  admitsAnyone?: boolean;
  /** No KeyRequested before the room has a key (as if missed), so early joiners lack the creator's keys until they join again. */
  silentBeforeFirstKey?: boolean;
}

/** The server allows 5 tries per room and client address in 5 minutes; the fake has one address. */
const MAX_WRONG_PASSWORDS = 5;

export class FakeRelay extends FakeChat implements FakeHub {
  updates: StoredUpdate[] = [];
  snapshot: StoredSnapshot | null = null;
  /** A member's snapshot waiting for another member's confirmation; the creator's replace at once. */
  pending: StoredSnapshot | null = null;
  readonly confirmCalls: { upToSeq: number; sender: string; by: string }[] = [];
  readonly joins: JoinRequest[] = [];
  readonly snapshotCalls: { upToSeq: number; sender: string; envelope: Envelope }[] = [];
  readonly connections = new Set<FakeTransport>();
  /** PushDocUpdate answers snapshotDue once this many updates follow the last snapshot. */
  snapshotEvery = Number.POSITIVE_INFINITY;
  pageSize = 100;
  /** Store the next pushed update, then drop the connection before the reply arrives. */
  loseNextAck = false;
  /** Refuse this many of the next pushes with a hub error, as the server does for a bad envelope. */
  refusePushes = 0;
  /** The code those refusals carry. */
  refusePushesAs: RefusalCode = 'envelope-malformed';
  /** The next pushed update is stored but not delivered live to this connection, as a server node could fail to. */
  loseNextDeliveryTo: FakeTransport | null = null;
  /** While set, PushSnapshot waits for it. */
  snapshotGate: Promise<void> | null = null;
  /** The seq the next push gets; tests may move it to simulate other members' pushes. */
  nextSeq = 1;
  /** What POST /api/rooms handed the creator's browser. */
  readonly creatorToken = crypto.getRandomValues(new Uint8Array(32));
  creatorId: string | null = null;
  readonly kicked = new Set<string>();
  terminated = false;
  /** Every JoinRoom call, refused ones included (`joins` holds the accepted ones). */
  joinAttempts = 0;
  readonly kickCalls: { sender: string; memberId: string }[] = [];
  /** The room password in the clear (a test double: the server keeps only a salted hash); null = open. */
  password: string | null = null;
  /** Wrong passwords tried; past the limit every try is refused, like the server's per-address limit. */
  wrongPasswords = 0;
  /** New members wait for the creator while this is on. */
  lobby = false;
  /** Members waiting in the lobby, with the profile each last sent. */
  readonly waiting = new Map<string, JoinRequestInfo>();
  /** Members the creator refused: their credentials never open the room. */
  readonly refused = new Set<string>();
  /** What every member may do, as the server's access policy says (guests, by default). */
  abilities: Abilities = NO_ABILITIES;
  readonly decideCalls: { sender: string; memberId: string; admit: boolean }[] = [];
  /** Members who left for good (LeaveRoom). */
  readonly departed = new Set<string>();
  readonly keys: FakeKeys;
  /** The room's file manager: entries, versions, deletes, the activity log. */
  readonly entries: FakeEntries;
  private readonly tokens = new Map<string, Uint8Array>();
  private joinVerifier: Promise<Uint8Array>;

  constructor(
    readonly roomId: string,
    joinKey: Uint8Array,
    private readonly options: FakeRelayOptions = {},
  ) {
    super();
    this.joinVerifier = sha256(joinKey);
    this.keys = new FakeKeys(
      {
        roomId,
        creator: () => this.creatorId,
        currentMembers: () => this.currentMembers(),
        send: (deliver, to) => this.fanOut(null, deliver, to),
        renewJoinVerifier: (verifier) => (this.joinVerifier = Promise.resolve(verifier)),
      },
      options.preKeyed ?? false,
      options.silentBeforeFirstKey ?? false,
    );
    this.entries = new FakeEntries({
      roomId,
      creator: () => this.creatorId,
      abilities: () => this.abilities,
      checkEpoch: (method, envelope) => this.keys.checkEpoch(method, envelope),
      send: (deliver) => this.fanOut(null, deliver),
    });
  }

  /** Admitted members not kicked, departed or refused (the ones who count for keys). */
  currentMembers(): Set<string> {
    const out = (id: string) => this.kicked.has(id) || this.departed.has(id) || this.refused.has(id) || this.waiting.has(id);
    return new Set([...this.tokens.keys()].filter((id) => !out(id) && this.keys.directory.has(id)));
  }

  connect(): FakeTransport {
    const transport = new FakeTransport(this);
    this.connections.add(transport);
    return transport;
  }

  online(): string[] {
    return [...new Set([...this.connections].filter((c) => c.joined && c.state === 'connected').map((c) => c.memberId!))];
  }

  async join(from: FakeTransport, request: JoinRequest): Promise<JoinResult> {
    this.joinAttempts++;
    if (this.terminated) throw hubRefusal('JoinRoom', 'room-ended', 'This session has ended.');
    if (request.roomId !== this.roomId) throw hubRefusal('JoinRoom', 'room-unknown', 'Unknown room.');
    const known = request.memberId && request.memberToken && this.tokens.get(request.memberId);
    const resumes = !!known && sameBytes(known, request.memberToken!) && !this.departed.has(request.memberId!);
    // As on the server: a resume needs no join key (the link may have been renewed since).
    if (!resumes && !this.options.admitsAnyone && !sameBytes(await sha256(request.joinKey), await this.joinVerifier)) {
      throw hubRefusal('JoinRoom', 'join-key-invalid', 'Invalid join key: this link does not open this room.');
    }
    if (resumes && this.kicked.has(request.memberId!)) throw hubRefusal('JoinRoom', 'member-removed', 'You were removed from this room.');
    if (resumes && this.refused.has(request.memberId!)) throw hubRefusal('JoinRoom', 'join-refused', 'The creator did not let you in.');
    const showsCreatorToken = !!request.creatorToken && sameBytes(request.creatorToken, this.creatorToken);
    // As on the server: members who got in before, and the creator's own browser, are not asked.
    if (!resumes && !showsCreatorToken) this.checkPassword(request.password);
    this.joins.push(request);
    let memberId = request.memberId ?? '';
    if (!resumes) {
      memberId = `member-${this.tokens.size + 1}`;
      this.keys.admit(memberId, request.device, request.linkProof);
      this.tokens.set(memberId, crypto.getRandomValues(new Uint8Array(16)));
      this.entries.record(memberId, 'joined');
    }
    // New members wait while the lobby is on; one that joins again while waiting stays waiting.
    if ((!resumes && !showsCreatorToken && this.lobby) || this.waiting.has(memberId)) return this.wait(from, memberId, request.profile);
    if (this.creatorId === null && showsCreatorToken) this.creatorId = memberId;
    const wasOnline = this.online().includes(memberId);
    from.memberId = memberId;
    from.joined = true;
    if (!wasOnline) this.fanOut(from, (l) => l.memberJoined?.(this.roomId, memberId));
    this.keys.requestKeysIfMissing(memberId);
    const useSnapshot = this.snapshot && this.snapshot.upToSeq > request.sinceSeq ? this.snapshot : null;
    const page = this.page(useSnapshot ? useSnapshot.upToSeq : request.sinceSeq);
    return {
      memberId,
      memberToken: this.tokens.get(memberId)!,
      ...this.keys.forJoin(memberId),
      latestSeq: this.nextSeq - 1,
      snapshot: useSnapshot,
      ...page,
      online: this.online(),
      creatorId: this.creatorId,
      passwordProtected: this.password !== null,
      lobby: this.lobby,
      waiting: false,
      joinRequests: memberId === this.creatorId ? [...this.waiting.values()] : [],
      abilities: this.abilities,
      expiry: null,
    };
  }

  /** As the server answers a waiting member: its credentials and nothing else; the creator is told. */
  private wait(from: FakeTransport, memberId: string, profile: Envelope | null): JoinResult {
    const request = { memberId, profile };
    this.waiting.set(memberId, request);
    from.memberId = memberId;
    from.joined = false;
    from.waiting = true;
    this.fanOut(null, (l) => l.joinRequested?.(this.roomId, request), (c) => c.memberId === this.creatorId);
    const nothing = { epoch: 0, latestSeq: 0, snapshot: null, updates: [], more: false, online: [], creatorId: null, expiry: null };
    const noKeys = { grants: [], members: [], granters: [], keyRequests: [], rotationDue: false, historyVisible: false, roomLink: null, roomMeta: null, keyChangedAt: null };
    return {
      memberId,
      memberToken: this.tokens.get(memberId)!,
      ...nothing,
      ...noKeys,
      abilities: this.abilities,
      passwordProtected: false,
      lobby: false,
      waiting: true,
      joinRequests: [],
    };
  }

  setLobby(from: FakeTransport, on: boolean): void {
    if (from.memberId !== this.creatorId) throw hubRefusal('SetLobby', 'not-creator', "Only the room's creator can do that.");
    this.lobby = on;
    this.fanOut(null, (l) => l.lobbyChanged?.(this.roomId, on));
  }

  decideJoin(from: FakeTransport, memberId: string, admit: boolean): void {
    this.decideCalls.push({ sender: from.memberId!, memberId, admit });
    if (from.memberId !== this.creatorId) throw hubRefusal('DecideJoin', 'not-creator', "Only the room's creator can do that.");
    if (!this.waiting.delete(memberId)) throw hubRefusal('DecideJoin', 'not-waiting', 'Not waiting: no such member waits to join.');
    if (!admit) this.refused.add(memberId);
    for (const c of this.connections) {
      if (c.waiting && c.memberId === memberId && c.state === 'connected') {
        c.waiting = false;
        queueMicrotask(() => c.emit((l) => l.joinDecided?.(this.roomId, admit)));
      }
    }
  }

  private checkPassword(password: string | null): void {
    if (this.password === null) return;
    if (!password) throw hubRefusal('JoinRoom', 'password-required', 'This room needs a password.');
    if (this.wrongPasswords >= MAX_WRONG_PASSWORDS) throw hubRefusal('JoinRoom', 'password-attempts', 'Too many password attempts: wait a little, then try again.');
    if (password === this.password) return;
    this.wrongPasswords++;
    throw hubRefusal('JoinRoom', 'password-wrong', 'Wrong room password.');
  }

  page(afterSeq: number): UpdatePage {
    const after = this.updates.filter((u) => u.seq > afterSeq);
    return { updates: after.slice(0, this.pageSize), more: after.length > this.pageSize };
  }

  push(from: FakeTransport, envelope: Envelope): PushResult {
    if (this.refusePushes > 0) {
      this.refusePushes--;
      throw hubRefusal('PushDocUpdate', this.refusePushesAs, 'Refused by the test');
    }
    this.keys.checkEpoch('PushDocUpdate', envelope);
    const update = { seq: this.nextSeq++, sender: from.memberId!, envelope };
    this.updates.push(update);
    const lost = this.loseNextDeliveryTo;
    this.loseNextDeliveryTo = null;
    this.fanOut(from, (l) => l.docUpdate?.(this.roomId, update), (c) => c !== lost);
    const sinceSnapshot = this.updates.filter((u) => u.seq > (this.snapshot?.upToSeq ?? 0)).length;
    const waiting = this.pending && { upToSeq: this.pending.upToSeq, sender: this.pending.sender };
    return {
      seq: update.seq,
      snapshotDue: !waiting && sinceSnapshot >= this.snapshotEvery,
      confirmDue: waiting && waiting.sender !== from.memberId ? waiting : null,
    };
  }

  async storeSnapshot(from: FakeTransport, upToSeq: number, envelope: Envelope): Promise<void> {
    this.snapshotCalls.push({ upToSeq, sender: from.memberId!, envelope });
    await this.snapshotGate;
    this.keys.checkEpoch('PushSnapshot', envelope);
    // Not newer: ignored, unless it is the same state under a newer key (a rotation's fresh snapshot).
    const stored = this.snapshot;
    if (stored && (stored.upToSeq > upToSeq || (stored.upToSeq === upToSeq && stored.envelope.epoch >= envelope.epoch))) return;
    const snapshot = { upToSeq, sender: from.memberId!, envelope };
    if (from.memberId === this.creatorId) this.replaceLog(snapshot);
    else if (!this.pending || this.pending.upToSeq <= upToSeq) this.pending = snapshot;
  }

  fetchPending(): PendingSnapshot | null {
    return this.pending && { pending: this.pending, confirmed: this.snapshot };
  }

  async confirm(from: FakeTransport, upToSeq: number, sender: string, digest: Uint8Array): Promise<boolean> {
    this.confirmCalls.push({ upToSeq, sender, by: from.memberId! });
    if (sender === from.memberId) throw hubRefusal('ConfirmSnapshot', 'argument-invalid', 'A member cannot confirm its own snapshot.');
    const pending = this.pending;
    if (!pending || pending.upToSeq !== upToSeq || pending.sender !== sender) return false;
    if (!sameBytes(await sha256(pending.envelope.ciphertext), digest)) return false;
    this.replaceLog(pending);
    return true;
  }

  private replaceLog(snapshot: StoredSnapshot): void {
    this.snapshot = snapshot;
    this.updates = this.updates.filter((u) => u.seq > snapshot.upToSeq);
    if (this.pending && this.pending.upToSeq <= snapshot.upToSeq) this.pending = null;
  }

  relayAwareness(from: FakeTransport, envelope: Envelope): void {
    this.keys.checkEpoch('PushAwareness', envelope);
    this.fanOut(from, (l) => l.awareness?.(this.roomId, from.memberId!, envelope));
  }

  left(from: FakeTransport): void {
    if (from.memberId && !this.online().includes(from.memberId)) {
      this.fanOut(from, (l) => l.memberLeft?.(this.roomId, from.memberId!));
    }
  }

  kick(from: FakeTransport, memberId: string): void {
    this.kickCalls.push({ sender: from.memberId!, memberId });
    if (from.memberId !== this.creatorId) throw hubRefusal('Kick', 'not-creator', "Only the room's creator can do that.");
    if (memberId === from.memberId) throw hubRefusal('Kick', 'creator-cannot-leave', 'The creator cannot remove themselves; terminate the session instead.');
    if (!this.currentMembers().has(memberId)) throw hubRefusal('Kick', 'member-unknown', 'No such member in this room.');
    this.kicked.add(memberId);
    this.keys.ban(memberId);
    this.entries.record(memberId, 'kicked');
    // Everyone hears it (the kicked member too, and the caller), then the kicked member is cut off.
    this.fanOut(null, (l) => l.memberKicked?.(this.roomId, memberId));
    this.fanOut(null, (l) => l.rotationNeeded?.(this.roomId), (c) => c.memberId !== memberId);
    queueMicrotask(() => [...this.connections].filter((c) => c.memberId === memberId && c.joined).forEach((c) => c.disconnect()));
  }

  /** As the server's key-ageing sweep: asks this one member to rotate the current (old) epoch. */
  requestRotation(memberId: string): void {
    this.fanOut(null, (l) => l.rotationRequested?.(this.roomId, this.keys.epoch), (c) => c.memberId === memberId);
  }

  /** As the server's sweep drops a member away past Parley:Keys:DropAwayAfter: out of the keys as if it had left, without a rotation. */
  dropAway(memberId: string): void {
    this.departed.add(memberId);
    this.fanOut(null, (l) => l.memberDeparted?.(this.roomId, memberId));
  }

  /** A member (not the creator) leaves for good: the room hears it and a rotation is due. */
  leave(from: FakeTransport): void {
    const memberId = from.memberId!;
    if (memberId === this.creatorId) throw hubRefusal('LeaveRoom', 'creator-cannot-leave', 'The creator cannot leave; terminate the session instead.');
    this.departed.add(memberId);
    this.keys.rotationDue = true;
    this.entries.record(memberId, 'left');
    this.fanOut(null, (l) => l.memberDeparted?.(this.roomId, memberId));
    for (const c of this.connections) if (c.memberId === memberId) c.joined = false;
    this.fanOut(null, (l) => l.rotationNeeded?.(this.roomId));
  }

  terminate(from: FakeTransport): void {
    if (from.memberId !== this.creatorId) throw hubRefusal('Terminate', 'not-creator', "Only the room's creator can do that.");
    this.fanOut(null, (l) => l.terminated?.(this.roomId));
    this.terminated = true;
    this.updates = [];
    this.snapshot = null;
    this.chats = [];
    queueMicrotask(() => [...this.connections].filter((c) => c.joined).forEach((c) => c.disconnect()));
  }

  setPassword(from: FakeTransport, password: string | null): void {
    if (from.memberId !== this.creatorId) throw hubRefusal('SetRoomPassword', 'not-creator', "Only the room's creator can do that.");
    if (password && (password.length < LIMITS.passwordMinLength || password.length > LIMITS.passwordMaxLength)) {
      throw hubRefusal('SetRoomPassword', 'password-invalid', 'Invalid password: use 8 to 128 characters.');
    }
    this.password = password || null; // null and "" both remove it
    this.fanOut(null, (l) => l.roomProtectionChanged?.(this.roomId, this.password !== null));
  }

  /** Delivers to every joined, connected transport but `from` (and those `to` picks), asynchronously like a network. */
  protected fanOut(
    from: FakeTransport | null,
    deliver: (listener: Partial<TransportEvents>) => void,
    to: (c: FakeTransport) => boolean = () => true,
  ): void {
    for (const c of this.connections) {
      if (c !== from && c.joined && c.state === 'connected' && to(c)) queueMicrotask(() => c.emit(deliver));
    }
  }
}
