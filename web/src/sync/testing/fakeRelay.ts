// An in-memory stand-in for the hub, for unit tests only: it orders, stores and fans out opaque
// envelopes the way docs/protocol.md describes, and lets a test drop connections and replies.
import type {
  ChatAck,
  ChatPage,
  Envelope,
  JoinRequest,
  JoinRequestInfo,
  JoinResult,
  PushResult,
  StoredChat,
  StoredSnapshot,
  StoredUpdate,
  UpdatePage,
} from '../protocol';
import type { TransportEvents } from '../transport';
import { GUEST, type Abilities } from '../../accounts/abilities';
import { FakeTransport } from './fakeTransport';

export { FakeTransport };

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
/** Errors as SignalR delivers a server's HubException, so clients are tested on the real shape. */
const hubError = (method: string, message: string) =>
  new Error(`An unexpected error occurred invoking '${method}' on the server. HubException: ${message}`);

/** The server allows 5 tries per room and client address in 5 minutes; the fake has one address. */
const MAX_WRONG_PASSWORDS = 5;

export class FakeRelay {
  updates: StoredUpdate[] = [];
  snapshot: StoredSnapshot | null = null;
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
  /** While set, PushSnapshot waits for it. */
  snapshotGate: Promise<void> | null = null;
  /** The seq the next push gets; tests may move it to simulate other members' pushes. */
  nextSeq = 1;
  chats: StoredChat[] = [];
  /** Every SendChat call, repeats included. */
  readonly chatCalls: { sender: string; clientMessageId: string }[] = [];
  /** Store the next chat message, then drop the connection before the acknowledgement arrives. */
  loseNextChatAck = false;
  /** Refuse this many of the next SendChat calls with this hub error. */
  refuseChats = 0;
  refuseChatsWith = 'Too many requests: slow down';
  /** While set, SendChat never answers (the client's timeout has to act). */
  holdChats = false;
  readonly typingCalls: { sender: string; typing: boolean }[] = [];
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
  abilities: Abilities = GUEST;
  readonly decideCalls: { sender: string; memberId: string; admit: boolean }[] = [];
  private readonly chatAcks = new Map<string, ChatAck>();
  private readonly tokens = new Map<string, Uint8Array>();

  constructor(readonly roomId: string, readonly joinKey: Uint8Array) {}

  connect(): FakeTransport {
    const transport = new FakeTransport(this);
    this.connections.add(transport);
    return transport;
  }

  online(): string[] {
    return [...new Set([...this.connections].filter((c) => c.joined && c.state === 'connected').map((c) => c.memberId!))];
  }

  join(from: FakeTransport, request: JoinRequest): JoinResult {
    this.joinAttempts++;
    if (this.terminated) throw hubError('JoinRoom', 'This session has ended.');
    if (request.roomId !== this.roomId) throw new Error('Unknown room');
    if (!sameBytes(request.joinKey, this.joinKey)) throw new Error('Invalid join key');
    const known = request.memberId && request.memberToken && this.tokens.get(request.memberId);
    const resumes = !!known && sameBytes(known, request.memberToken!);
    if (resumes && this.kicked.has(request.memberId!)) throw hubError('JoinRoom', 'You were removed from this room.');
    if (resumes && this.refused.has(request.memberId!)) throw hubError('JoinRoom', 'The creator did not let you in.');
    const showsCreatorToken = !!request.creatorToken && sameBytes(request.creatorToken, this.creatorToken);
    // As on the server: members who got in before, and the creator's own browser, are not asked.
    if (!resumes && !showsCreatorToken) this.checkPassword(request.password);
    this.joins.push(request);
    let memberId = request.memberId ?? '';
    if (!resumes) {
      memberId = `member-${this.tokens.size + 1}`;
      this.tokens.set(memberId, crypto.getRandomValues(new Uint8Array(16)));
    }
    // New members wait while the lobby is on; one that joins again while waiting stays waiting.
    if ((!resumes && !showsCreatorToken && this.lobby) || this.waiting.has(memberId)) return this.wait(from, memberId, request.profile);
    if (this.creatorId === null && showsCreatorToken) this.creatorId = memberId;
    const wasOnline = this.online().includes(memberId);
    from.memberId = memberId;
    from.joined = true;
    if (!wasOnline) this.fanOut(from, (l) => l.memberJoined?.(this.roomId, memberId));
    const useSnapshot = this.snapshot && this.snapshot.upToSeq > request.sinceSeq ? this.snapshot : null;
    const page = this.page(useSnapshot ? useSnapshot.upToSeq : request.sinceSeq);
    return {
      memberId,
      memberToken: this.tokens.get(memberId)!,
      epoch: 0,
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
    const nothing = { epoch: 0, latestSeq: 0, snapshot: null, updates: [], more: false, online: [], creatorId: null };
    return { memberId, memberToken: this.tokens.get(memberId)!, ...nothing, passwordProtected: false, lobby: false, waiting: true, joinRequests: [], abilities: this.abilities };
  }

  setLobby(from: FakeTransport, on: boolean): void {
    if (from.memberId !== this.creatorId) throw hubError('SetLobby', "Only the room's creator can do that.");
    this.lobby = on;
    this.fanOut(null, (l) => l.lobbyChanged?.(this.roomId, on));
  }

  decideJoin(from: FakeTransport, memberId: string, admit: boolean): void {
    this.decideCalls.push({ sender: from.memberId!, memberId, admit });
    if (from.memberId !== this.creatorId) throw hubError('DecideJoin', "Only the room's creator can do that.");
    if (!this.waiting.delete(memberId)) throw hubError('DecideJoin', 'Not waiting: no such member waits to join.');
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
    if (!password) throw hubError('JoinRoom', 'This room needs a password.');
    if (this.wrongPasswords >= MAX_WRONG_PASSWORDS) throw hubError('JoinRoom', 'Too many password attempts: wait a few minutes.');
    if (password === this.password) return;
    this.wrongPasswords++;
    throw hubError('JoinRoom', 'Wrong room password.');
  }

  page(afterSeq: number): UpdatePage {
    const after = this.updates.filter((u) => u.seq > afterSeq);
    return { updates: after.slice(0, this.pageSize), more: after.length > this.pageSize };
  }

  push(from: FakeTransport, envelope: Envelope): PushResult {
    if (this.refusePushes > 0) {
      this.refusePushes--;
      throw new Error('Malformed envelope: refused by the test');
    }
    const update = { seq: this.nextSeq++, sender: from.memberId!, envelope };
    this.updates.push(update);
    this.fanOut(from, (l) => l.docUpdate?.(this.roomId, update));
    const sinceSnapshot = this.updates.filter((u) => u.seq > (this.snapshot?.upToSeq ?? 0)).length;
    return { seq: update.seq, snapshotDue: sinceSnapshot >= this.snapshotEvery };
  }

  async storeSnapshot(from: FakeTransport, upToSeq: number, envelope: Envelope): Promise<void> {
    this.snapshotCalls.push({ upToSeq, sender: from.memberId!, envelope });
    await this.snapshotGate;
    if (this.snapshot && this.snapshot.upToSeq >= upToSeq) return;
    this.snapshot = { upToSeq, sender: from.memberId!, envelope };
    this.updates = this.updates.filter((u) => u.seq > upToSeq);
  }

  sendChat(from: FakeTransport, clientMessageId: string, envelope: Envelope): ChatAck | Promise<never> {
    const sender = from.memberId!;
    this.chatCalls.push({ sender, clientMessageId });
    if (this.holdChats) return new Promise<never>(() => {});
    if (this.refuseChats > 0) {
      this.refuseChats--;
      throw new Error(this.refuseChatsWith);
    }
    const key = `${sender}|${clientMessageId}`;
    const known = this.chatAcks.get(key);
    if (known) return known; // idempotent per (room, sender, clientMessageId), as the server is
    const message = { seq: this.chats.length + 1, sender, clientMessageId, sentAt: 1_700_000_000_000 + this.chats.length * 1000, envelope };
    this.chats.push(message);
    const ack = { seq: message.seq, sentAt: message.sentAt };
    this.chatAcks.set(key, ack);
    this.fanOut(from, (l) => l.chat?.(this.roomId, message));
    return ack;
  }

  chatHistory(beforeSeq: number, limit: number): ChatPage {
    const older = this.chats.filter((m) => beforeSeq === 0 || m.seq < beforeSeq).reverse();
    return { messages: older.slice(0, limit), more: older.length > limit };
  }

  chatSince(afterSeq: number, limit: number): ChatPage {
    const newer = this.chats.filter((m) => m.seq > afterSeq);
    return { messages: newer.slice(0, limit), more: newer.length > limit };
  }

  relayTyping(from: FakeTransport, typing: boolean): void {
    this.typingCalls.push({ sender: from.memberId!, typing });
    this.fanOut(from, (l) => l.typing?.(this.roomId, from.memberId!, typing));
  }

  relayAwareness(from: FakeTransport, envelope: Envelope): void {
    this.fanOut(from, (l) => l.awareness?.(this.roomId, from.memberId!, envelope));
  }

  left(from: FakeTransport): void {
    if (from.memberId && !this.online().includes(from.memberId)) {
      this.fanOut(from, (l) => l.memberLeft?.(this.roomId, from.memberId!));
    }
  }

  kick(from: FakeTransport, memberId: string): void {
    this.kickCalls.push({ sender: from.memberId!, memberId });
    if (from.memberId !== this.creatorId) throw hubError('Kick', "Only the room's creator can do that.");
    if (memberId === from.memberId) throw hubError('Kick', 'The creator cannot kick themselves.');
    this.kicked.add(memberId);
    // Everyone hears it (the kicked member too, and the caller), then the kicked member is cut off.
    this.fanOut(null, (l) => l.memberKicked?.(this.roomId, memberId));
    queueMicrotask(() => [...this.connections].filter((c) => c.memberId === memberId && c.joined).forEach((c) => c.disconnect()));
  }

  terminate(from: FakeTransport): void {
    if (from.memberId !== this.creatorId) throw hubError('Terminate', "Only the room's creator can do that.");
    this.fanOut(null, (l) => l.terminated?.(this.roomId));
    this.terminated = true;
    this.updates = [];
    this.snapshot = null;
    this.chats = [];
    queueMicrotask(() => [...this.connections].filter((c) => c.joined).forEach((c) => c.disconnect()));
  }

  setPassword(from: FakeTransport, password: string | null): void {
    if (from.memberId !== this.creatorId) throw hubError('SetRoomPassword', "Only the room's creator can do that.");
    if (password && (password.length < 8 || password.length > 128)) {
      throw hubError('SetRoomPassword', 'Invalid password: use 8 to 128 characters.');
    }
    this.password = password || null; // null and "" both remove it
    this.fanOut(null, (l) => l.roomProtectionChanged?.(this.roomId, this.password !== null));
  }

  /** Delivers to every joined, connected transport but `from` (and those `to` picks), asynchronously like a network. */
  private fanOut(
    from: FakeTransport | null,
    deliver: (listener: Partial<TransportEvents>) => void,
    to: (c: FakeTransport) => boolean = () => true,
  ): void {
    for (const c of this.connections) {
      if (c !== from && c.joined && c.state === 'connected' && to(c)) queueMicrotask(() => c.emit(deliver));
    }
  }
}
