import {
  HttpTransportType,
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
  type HubConnection,
  type IRetryPolicy,
} from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import {
  HubEvent,
  HubMethod,
  readChatAck,
  readActivityPage,
  readChatPage,
  readCount,
  readEntries,
  readEntry,
  readEntryPage,
  readEnvelope,
  readGrants,
  readJoinRequestInfo,
  readJoinResult,
  readMemberKeys,
  readPendingSnapshot,
  readPushResult,
  readRotation,
  readStoredChat,
  readStoredUpdates,
  readUpdatePage,
  type EntryWrite,
  type Envelope,
  type Grant,
  type JoinRequest,
  type Rotation,
} from './protocol';
import { ConnectionError, type ConnectionState, type RoomTransport, type TransportEvents } from './transport';

// The server's answer to a failed call names it "on the server" (a refusal adds "HubException:
// <code>: <text>"). The client library's own failures (not connected, connection closed before the
// answer) are plain Errors too, so the connection's state tells them apart from the rest.
const FROM_SERVER = /on the server|HubException: /;

const MAX_DELAY_MS = 5000;

/** Exponential backoff capped at 5 s, with jitter so a restarted server is not hit all at once. */
export const backoffMs = (attempt: number) => Math.min(MAX_DELAY_MS, 250 * 2 ** attempt) * (0.8 + Math.random() * 0.2);

/** Never gives up: an editor left open on a laptop must come back by itself after any outage. */
export const retryForever: IRetryPolicy = {
  nextRetryDelayInMilliseconds: ({ previousRetryCount }) => backoffMs(previousRetryCount),
};

/** The SignalR hub (`/hub`, MessagePack protocol) as a RoomTransport. */
export class HubTransport implements RoomTransport {
  private readonly connection: HubConnection;
  private readonly listeners = new Set<Partial<TransportEvents>>();
  private current: ConnectionState = 'connecting';
  private stopped = false;
  private starting = false;

  constructor(url = '/hub') {
    this.connection = new HubConnectionBuilder()
      // WebSockets straight away, without the negotiate request: with several nodes behind a
      // proxy, a negotiation answered by one node and a socket opened on another would not
      // match, so skipping it is what lets the proxy balance without sticky sessions.
      .withUrl(url, { transport: HttpTransportType.WebSockets, skipNegotiation: true })
      .withHubProtocol(new MessagePackHubProtocol())
      .withAutomaticReconnect(retryForever)
      // Outages are expected and shown by the status indicator; SignalR's own console errors for
      // every failed retry would only bury real problems.
      .configureLogging(LogLevel.Critical)
      .build();
    const on = (event: string, handler: (...args: unknown[]) => void) =>
      this.connection.on(event, (...args: unknown[]) => {
        try {
          handler(...args);
        } catch (error) {
          console.warn(`[parley] ignored malformed ${event} event`, error);
        }
      });
    // One message per committed batch; read whole before any is handed on, so a malformed batch is ignored whole.
    on(HubEvent.docUpdates, (roomId, updates) => {
      for (const update of readStoredUpdates(updates)) this.emit('docUpdate', String(roomId), update);
    });
    on(HubEvent.awareness, (roomId, sender, envelope) =>
      this.emit('awareness', String(roomId), String(sender), readEnvelope(envelope)),
    );
    on(HubEvent.memberJoined, (roomId, memberId) => this.emit('memberJoined', String(roomId), String(memberId)));
    on(HubEvent.memberLeft, (roomId, memberId) => this.emit('memberLeft', String(roomId), String(memberId)));
    on(HubEvent.chat, (roomId, message) => this.emit('chat', String(roomId), readStoredChat(message)));
    on(HubEvent.typing, (roomId, memberId, typing) =>
      this.emit('typing', String(roomId), String(memberId), typing === true),
    );
    on(HubEvent.memberKicked, (roomId, memberId) => this.emit('memberKicked', String(roomId), String(memberId)));
    on(HubEvent.terminated, (roomId) => this.emit('terminated', String(roomId)));
    on(HubEvent.roomProtectionChanged, (roomId, isProtected) =>
      this.emit('roomProtectionChanged', String(roomId), isProtected === true),
    );
    on(HubEvent.lobbyChanged, (roomId, isOn) => this.emit('lobbyChanged', String(roomId), isOn === true));
    on(HubEvent.joinRequested, (roomId, request) => this.emit('joinRequested', String(roomId), readJoinRequestInfo(request)));
    on(HubEvent.joinDecided, (roomId, admitted) => this.emit('joinDecided', String(roomId), admitted === true));
    on(HubEvent.keyRequested, (roomId, member, granter) =>
      this.emit('keyRequested', String(roomId), readMemberKeys(member), typeof granter === 'string' ? granter : null));
    on(HubEvent.keysGranted, (roomId, grants) => this.emit('keysGranted', String(roomId), readGrants(grants)));
    on(HubEvent.keyRotated, (roomId, rotation) => this.emit('keyRotated', String(roomId), readRotation(rotation)));
    on(HubEvent.rotationNeeded, (roomId) => this.emit('rotationNeeded', String(roomId)));
    on(HubEvent.rotationRequested, (roomId, epoch) => this.emit('rotationRequested', String(roomId), Number(epoch)));
    on(HubEvent.roomMetaChanged, (roomId, envelope) => this.emit('roomMetaChanged', String(roomId), readEnvelope(envelope)));
    on(HubEvent.historyVisibilityChanged, (roomId, visible) =>
      this.emit('historyVisibilityChanged', String(roomId), visible === true),
    );
    on(HubEvent.memberDeparted, (roomId, memberId) => this.emit('memberDeparted', String(roomId), String(memberId)));
    on(HubEvent.entriesChanged, (roomId, entries) => this.emit('entriesChanged', String(roomId), readEntries(entries)));
    on(HubEvent.entriesDeleted, (roomId, ids) =>
      this.emit('entriesDeleted', String(roomId), (Array.isArray(ids) ? ids : []).map((id) => String(id))),
    );
    this.connection.onreconnecting(() => this.setState('reconnecting'));
    this.connection.onreconnected(() => this.setState('connected'));
    // Automatic reconnect covers drops after a first connection; a close still means "try again".
    this.connection.onclose(() => {
      if (this.stopped) return;
      this.setState('reconnecting');
      void this.start();
    });
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Connects, retrying forever: the first connection is not covered by automatic reconnect. */
  async start(): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    try {
      for (let attempt = 0; !this.stopped; attempt++) {
        try {
          await this.connection.start();
          this.setState('connected');
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
        }
      }
    } finally {
      this.starting = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.connection.stop();
  }

  subscribe(listener: Partial<TransportEvents>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async joinRoom(request: JoinRequest) {
    return readJoinResult(await this.invoke(HubMethod.joinRoom, request));
  }

  async fetchUpdates(roomId: string, afterSeq: number) {
    return readUpdatePage(await this.invoke(HubMethod.fetchUpdates, roomId, afterSeq));
  }

  async pushDocUpdate(roomId: string, envelope: Envelope) {
    return readPushResult(await this.invoke(HubMethod.pushDocUpdate, roomId, envelope));
  }

  async pushSnapshot(roomId: string, upToSeq: number, envelope: Envelope): Promise<void> {
    await this.invoke(HubMethod.pushSnapshot, roomId, upToSeq, envelope);
  }

  async fetchPendingSnapshot(roomId: string) {
    return readPendingSnapshot(await this.invoke(HubMethod.fetchPendingSnapshot, roomId));
  }

  async confirmSnapshot(roomId: string, upToSeq: number, sender: string, digest: Uint8Array) {
    return (await this.invoke(HubMethod.confirmSnapshot, roomId, upToSeq, sender, digest)) === true;
  }

  async pushAwareness(roomId: string, envelope: Envelope): Promise<void> {
    await this.invoke(HubMethod.pushAwareness, roomId, envelope);
  }

  async sendChat(roomId: string, clientMessageId: string, envelope: Envelope) {
    return readChatAck(await this.invoke(HubMethod.sendChat, roomId, clientMessageId, envelope));
  }

  async chatHistory(roomId: string, beforeSeq: number, limit: number) {
    return readChatPage(await this.invoke(HubMethod.chatHistory, roomId, beforeSeq, limit));
  }

  async chatSince(roomId: string, afterSeq: number, limit: number) {
    return readChatPage(await this.invoke(HubMethod.chatSince, roomId, afterSeq, limit));
  }

  async setTyping(roomId: string, typing: boolean): Promise<void> {
    await this.invoke(HubMethod.setTyping, roomId, typing);
  }

  async kick(roomId: string, memberId: string): Promise<void> {
    await this.invoke(HubMethod.kick, roomId, memberId);
  }

  async terminate(roomId: string): Promise<void> {
    await this.invoke(HubMethod.terminate, roomId);
  }

  async setRoomPassword(roomId: string, password: string | null): Promise<void> {
    await this.invoke(HubMethod.setRoomPassword, roomId, password);
  }

  async setLobby(roomId: string, on: boolean): Promise<void> {
    await this.invoke(HubMethod.setLobby, roomId, on);
  }

  async decideJoin(roomId: string, memberId: string, admit: boolean): Promise<void> {
    await this.invoke(HubMethod.decideJoin, roomId, memberId, admit);
  }

  async grantKeys(roomId: string, grants: Grant[]): Promise<number> {
    const stored: unknown = await this.invoke(HubMethod.grantKeys, roomId, grants);
    return typeof stored === 'bigint' ? Number(stored) : typeof stored === 'number' ? stored : 0;
  }

  async rotateKey(roomId: string, rotation: Rotation): Promise<void> {
    await this.invoke(HubMethod.rotateKey, roomId, rotation);
  }

  async setRoomMeta(roomId: string, envelope: Envelope): Promise<void> {
    await this.invoke(HubMethod.setRoomMeta, roomId, envelope);
  }

  async setHistoryVisible(roomId: string, visible: boolean): Promise<void> {
    await this.invoke(HubMethod.setHistoryVisible, roomId, visible);
  }

  async leaveRoom(roomId: string): Promise<void> {
    await this.invoke(HubMethod.leaveRoom, roomId);
  }

  async listEntries(roomId: string, afterEntryId: string | null, limit: number) {
    return readEntryPage(await this.invoke(HubMethod.listEntries, roomId, afterEntryId, limit));
  }

  async putEntry(roomId: string, write: EntryWrite) {
    return readEntry(await this.invoke(HubMethod.putEntry, roomId, write));
  }

  async deleteEntries(roomId: string, entryIds: string[]) {
    return readCount(await this.invoke(HubMethod.deleteEntries, roomId, entryIds));
  }

  async activityLog(roomId: string, beforeSeq: number, limit: number) {
    return readActivityPage(await this.invoke(HubMethod.activityLog, roomId, beforeSeq, limit));
  }

  /** A hub call; a failure that is not the server's answer becomes a ConnectionError. */
  private async invoke(method: string, ...args: unknown[]): Promise<unknown> {
    try {
      return await this.connection.invoke(method, ...args);
    } catch (error) {
      const fromServer = error instanceof Error && FROM_SERVER.test(error.message);
      if (fromServer || this.connection.state === HubConnectionState.Connected) throw error;
      throw new ConnectionError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    this.emit('connectionChanged', state);
  }

  private emit<K extends keyof TransportEvents>(event: K, ...args: Parameters<TransportEvents[K]>): void {
    for (const listener of [...this.listeners]) {
      const handler = listener[event] as ((...a: Parameters<TransportEvents[K]>) => void) | undefined;
      handler?.(...args);
    }
  }
}
