// The client end of FakeRelay: a RoomTransport over the in-memory relay, for unit tests only.
// Calls resolve asynchronously, refuse while disconnected, and (but for JoinRoom) need a join first.
import type {
  ActivityPage,
  ChatAck,
  ChatPage,
  Entry,
  EntryPage,
  EntryWrite,
  Envelope,
  Grant,
  JoinRequest,
  JoinResult,
  PendingSnapshot,
  PushResult,
  Rotation,
  UpdatePage,
} from '../protocol';
import { ConnectionError, type ConnectionState, type RoomTransport, type TransportEvents } from '../transport';
import { hubRefusal } from './hubRefusal';

type Answer<T> = T | Promise<T>;

/** The server side FakeTransport calls (FakeRelay): declared here, so the relay's parts can name the transport without a loop. */
export interface FakeHub {
  loseNextAck: boolean;
  loseNextChatAck: boolean;
  join(from: FakeTransport, request: JoinRequest): Promise<JoinResult>;
  left(from: FakeTransport): void;
  page(afterSeq: number): UpdatePage;
  push(from: FakeTransport, envelope: Envelope): PushResult;
  storeSnapshot(from: FakeTransport, upToSeq: number, envelope: Envelope): Promise<void>;
  fetchPending(): PendingSnapshot | null;
  confirm(from: FakeTransport, upToSeq: number, sender: string, digest: Uint8Array): Promise<boolean>;
  relayAwareness(from: FakeTransport, envelope: Envelope): void;
  sendChat(from: FakeTransport, clientMessageId: string, envelope: Envelope): Answer<ChatAck>;
  chatHistory(beforeSeq: number, limit: number): ChatPage;
  chatSince(afterSeq: number, limit: number): ChatPage;
  relayTyping(from: FakeTransport, typing: boolean): void;
  kick(from: FakeTransport, memberId: string): void;
  terminate(from: FakeTransport): void;
  setPassword(from: FakeTransport, password: string | null): void;
  setLobby(from: FakeTransport, on: boolean): void;
  decideJoin(from: FakeTransport, memberId: string, admit: boolean): void;
  leave(from: FakeTransport): void;
  readonly keys: {
    grantKeys(caller: string, grants: Grant[]): number;
    rotate(caller: string, rotation: Rotation): void;
    setMeta(caller: string, envelope: Envelope): void;
    setHistoryVisible(caller: string, visible: boolean): void;
  };
  readonly entries: {
    list(afterEntryId: string | null, limit: number): EntryPage;
    put(caller: string, write: EntryWrite): Entry;
    delete(caller: string, entryIds: string[]): number;
    log(caller: string, beforeSeq: number, limit: number): ActivityPage;
  };
}

export class FakeTransport implements RoomTransport {
  state: ConnectionState = 'connected';
  memberId: string | null = null;
  joined = false;
  /** Recorded as waiting in the lobby: hears JoinDecided, but is no member. */
  waiting = false;
  private readonly listeners = new Set<Partial<TransportEvents>>();
  /** Events held back (a slow connection), delivered in order on `release`. */
  private held: ((listener: Partial<TransportEvents>) => void)[] | null = null;

  constructor(private readonly relay: FakeHub) {}

  subscribe(listener: Partial<TransportEvents>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(deliver: (listener: Partial<TransportEvents>) => void): void {
    if (this.held) return void this.held.push(deliver);
    for (const l of [...this.listeners]) deliver(l);
  }

  /** From now on events wait, as on a slow connection, while calls still go through. */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const deliver of held) this.emit(deliver);
  }

  disconnect(): void {
    this.joined = this.waiting = false;
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
      throw new ConnectionError('Invocation canceled due to the underlying connection being closed.');
    }
    return result;
  }

  async pushSnapshot(_roomId: string, upToSeq: number, envelope: Envelope): Promise<void> {
    await this.call(() => this.relay.storeSnapshot(this, upToSeq, envelope));
  }

  fetchPendingSnapshot() {
    return this.call(() => this.relay.fetchPending());
  }

  confirmSnapshot(_roomId: string, upToSeq: number, sender: string, digest: Uint8Array) {
    return this.call(() => this.relay.confirm(this, upToSeq, sender, digest));
  }

  pushAwareness(_roomId: string, envelope: Envelope) {
    return this.call(() => this.relay.relayAwareness(this, envelope));
  }

  async sendChat(_roomId: string, clientMessageId: string, envelope: Envelope): Promise<ChatAck> {
    const ack = await this.call(() => this.relay.sendChat(this, clientMessageId, envelope));
    if (this.relay.loseNextChatAck) {
      this.relay.loseNextChatAck = false;
      this.disconnect();
      throw new ConnectionError('Invocation canceled due to the underlying connection being closed.');
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

  setRoomPassword(_roomId: string, password: string | null) {
    return this.call(() => this.relay.setPassword(this, password));
  }

  setLobby(_roomId: string, on: boolean) {
    return this.call(() => this.relay.setLobby(this, on));
  }

  decideJoin(_roomId: string, memberId: string, admit: boolean) {
    return this.call(() => this.relay.decideJoin(this, memberId, admit));
  }

  grantKeys(_roomId: string, grants: Grant[]) {
    return this.call(() => this.relay.keys.grantKeys(this.memberId!, grants));
  }

  rotateKey(_roomId: string, rotation: Rotation) {
    return this.call(() => this.relay.keys.rotate(this.memberId!, rotation));
  }

  setRoomMeta(_roomId: string, envelope: Envelope) {
    return this.call(() => this.relay.keys.setMeta(this.memberId!, envelope));
  }

  setHistoryVisible(_roomId: string, visible: boolean) {
    return this.call(() => this.relay.keys.setHistoryVisible(this.memberId!, visible));
  }

  leaveRoom() {
    return this.call(() => this.relay.leave(this));
  }

  listEntries(_roomId: string, afterEntryId: string | null, limit: number) {
    return this.call(() => this.relay.entries.list(afterEntryId, limit));
  }

  putEntry(_roomId: string, write: EntryWrite) {
    return this.call(() => this.relay.entries.put(this.memberId!, write));
  }

  deleteEntries(_roomId: string, entryIds: string[]) {
    return this.call(() => this.relay.entries.delete(this.memberId!, entryIds));
  }

  activityLog(_roomId: string, beforeSeq: number, limit: number) {
    return this.call(() => this.relay.entries.log(this.memberId!, beforeSeq, limit));
  }

  private async call<T>(work: () => T, needsJoin = true): Promise<Awaited<T>> {
    await Promise.resolve(); // replies are never synchronous on a real connection
    if (this.state !== 'connected') throw new ConnectionError("Cannot send data if the connection is not in the 'Connected' State.");
    if (needsJoin && !this.joined) throw hubRefusal('the method', 'not-member', 'Not a member of this room: join it first.');
    return await work();
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.emit((l) => l.connectionChanged?.(state));
  }
}
