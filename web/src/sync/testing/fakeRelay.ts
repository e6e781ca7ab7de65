// An in-memory stand-in for the hub, for unit tests only: it orders, stores and fans out opaque
// envelopes the way docs/protocol.md describes, and lets a test drop connections and replies.
import type {
  ChatAck,
  ChatPage,
  Envelope,
  JoinRequest,
  JoinResult,
  PushResult,
  StoredChat,
  StoredSnapshot,
  StoredUpdate,
  UpdatePage,
} from '../protocol';
import type { ConnectionState, RoomTransport, TransportEvents } from '../transport';

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
/** Errors as SignalR delivers a server's HubException, so clients are tested on the real shape. */
const hubError = (method: string, message: string) =>
  new Error(`An unexpected error occurred invoking '${method}' on the server. HubException: ${message}`);

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
    this.joins.push(request);
    const known = request.memberId && request.memberToken && this.tokens.get(request.memberId);
    let memberId = request.memberId ?? '';
    if (!known || !sameBytes(known, request.memberToken!)) {
      memberId = `member-${this.tokens.size + 1}`;
      this.tokens.set(memberId, crypto.getRandomValues(new Uint8Array(16)));
    } else if (this.kicked.has(memberId)) {
      throw hubError('JoinRoom', 'You were removed from this room.');
    }
    if (this.creatorId === null && request.creatorToken && sameBytes(request.creatorToken, this.creatorToken)) {
      this.creatorId = memberId;
    }
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
    };
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

  /** Delivers to every joined, connected transport but `from`, asynchronously like a network. */
  private fanOut(from: FakeTransport | null, deliver: (listener: Partial<TransportEvents>) => void): void {
    for (const c of this.connections) {
      if (c !== from && c.joined && c.state === 'connected') queueMicrotask(() => c.emit(deliver));
    }
  }
}

export class FakeTransport implements RoomTransport {
  state: ConnectionState = 'connected';
  memberId: string | null = null;
  joined = false;
  private readonly listeners = new Set<Partial<TransportEvents>>();

  constructor(private readonly relay: FakeRelay) {}

  subscribe(listener: Partial<TransportEvents>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(deliver: (listener: Partial<TransportEvents>) => void): void {
    for (const l of [...this.listeners]) deliver(l);
  }

  disconnect(): void {
    this.joined = false;
    this.setState('reconnecting');
    this.relay.left(this);
  }

  reconnect(): void {
    this.setState('connected');
  }

  joinRoom(request: JoinRequest) {
    return this.call(() => this.relay.join(this, request), false);
  }

  fetchUpdates(_roomId: string, afterSeq: number) {
    return this.call(() => this.relay.page(afterSeq));
  }

  async pushDocUpdate(_roomId: string, envelope: Envelope): Promise<PushResult> {
    const result = await this.call(() => this.relay.push(this, envelope));
    if (this.relay.loseNextAck) {
      this.relay.loseNextAck = false;
      this.disconnect();
      throw new Error('Invocation canceled due to the underlying connection being closed.');
    }
    return result;
  }

  async pushSnapshot(_roomId: string, upToSeq: number, envelope: Envelope): Promise<void> {
    await this.call(() => this.relay.storeSnapshot(this, upToSeq, envelope));
  }

  pushAwareness(_roomId: string, envelope: Envelope) {
    return this.call(() => this.relay.relayAwareness(this, envelope));
  }

  async sendChat(_roomId: string, clientMessageId: string, envelope: Envelope): Promise<ChatAck> {
    const ack = await this.call(() => this.relay.sendChat(this, clientMessageId, envelope));
    if (this.relay.loseNextChatAck) {
      this.relay.loseNextChatAck = false;
      this.disconnect();
      throw new Error('Invocation canceled due to the underlying connection being closed.');
    }
    return ack;
  }

  chatHistory(_roomId: string, beforeSeq: number, limit: number) {
    return this.call(() => this.relay.chatHistory(beforeSeq, limit));
  }

  chatSince(_roomId: string, afterSeq: number, limit: number) {
    return this.call(() => this.relay.chatSince(afterSeq, limit));
  }

  setTyping(_roomId: string, typing: boolean) {
    return this.call(() => this.relay.relayTyping(this, typing));
  }

  kick(_roomId: string, memberId: string) {
    return this.call(() => this.relay.kick(this, memberId));
  }

  terminate() {
    return this.call(() => this.relay.terminate(this));
  }

  private async call<T>(work: () => T, needsJoin = true): Promise<Awaited<T>> {
    await Promise.resolve(); // replies are never synchronous on a real connection
    if (this.state !== 'connected') throw new Error("Cannot send data if the connection is not in the 'Connected' State.");
    if (needsJoin && !this.joined) throw new Error('Not a member of this room');
    return await work();
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.emit((l) => l.connectionChanged?.(state));
  }
}
