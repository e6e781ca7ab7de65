import type {
  ChatAck,
  ChatPage,
  ActivityPage,
  Entry,
  EntryPage,
  EntryWrite,
  Envelope,
  Grant,
  JoinRequest,
  JoinRequestInfo,
  JoinResult,
  MemberKeys,
  PendingSnapshot,
  PushResult,
  Rotation,
  StoredChat,
  StoredUpdate,
  UpdatePage,
} from './protocol';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

/**
 * A call that never reached the server, or whose connection went before the answer: no refusal
 * (it carries no code), and worth another try once the connection, and the room's join, are back.
 */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

/** Server-to-client events. Every event names its room: one connection can serve several rooms. */
export interface TransportEvents {
  docUpdate(roomId: string, update: StoredUpdate): void;
  awareness(roomId: string, sender: string, envelope: Envelope): void;
  memberJoined(roomId: string, memberId: string): void;
  memberLeft(roomId: string, memberId: string): void;
  chat(roomId: string, message: StoredChat): void;
  typing(roomId: string, memberId: string, typing: boolean): void;
  /** The creator removed this member (it may be this browser's own member). */
  memberKicked(roomId: string, memberId: string): void;
  /** The creator ended the room; the server has deleted it. */
  terminated(roomId: string): void;
  /** The creator set (true) or removed (false) the room password; the caller hears it too. */
  roomProtectionChanged(roomId: string, isProtected: boolean): void;
  /** The creator turned the lobby on or off; the caller hears it too. */
  lobbyChanged(roomId: string, on: boolean): void;
  /** To the creator: someone new waits in the lobby (again, if they joined again while waiting). */
  joinRequested(roomId: string, request: JoinRequestInfo): void;
  /** To a waiting member: the creator let it in (join again) or refused it (for good). */
  joinDecided(roomId: string, admitted: boolean): void;
  /**
   * A member holding no key of the current epoch joined (the joiner's own connections hear it too).
   * `granter` is the member the server named to grant it (another is named later if it does not);
   * null: every keyed member grants.
   */
  keyRequested(roomId: string, member: MemberKeys, granter: string | null): void;
  /** To the grantee: grants newly stored for it. */
  keysGranted(roomId: string, grants: Grant[]): void;
  /** The room moved to a new epoch (the rotating connection hears it too); each member takes its own grant. */
  keyRotated(roomId: string, rotation: Rotation): void;
  /** A member was kicked or left: a keyed member should rotate. */
  rotationNeeded(roomId: string): void;
  /** To one keyed member: the key of `epoch` is old (by time or use); the server chose this member to rotate it now. */
  rotationRequested(roomId: string, epoch: number): void;
  /** The creator named the room (kind `room-meta`, current epoch). */
  roomMetaChanged(roomId: string, envelope: Envelope): void;
  historyVisibilityChanged(roomId: string, visible: boolean): void;
  /** A member left for good (LeaveRoom). */
  memberDeparted(roomId: string, memberId: string): void;
  /** Entries made or changed (the writer's own connections hear it too). */
  entriesChanged(roomId: string, entries: Entry[]): void;
  entriesDeleted(roomId: string, entryIds: string[]): void;
  /** 'connected' also follows every reconnect, after which each room must join again. */
  connectionChanged(state: ConnectionState): void;
}

/**
 * The hub as RoomSync and ChatSync see it. SignalR implements it in production; tests use an in-memory relay,
 * which keeps the batching, pending and sequence logic testable without a server.
 */
export interface RoomTransport {
  readonly state: ConnectionState;
  subscribe(listener: Partial<TransportEvents>): () => void;
  joinRoom(request: JoinRequest): Promise<JoinResult>;
  fetchUpdates(roomId: string, afterSeq: number): Promise<UpdatePage>;
  pushDocUpdate(roomId: string, envelope: Envelope): Promise<PushResult>;
  pushSnapshot(roomId: string, upToSeq: number, envelope: Envelope): Promise<void>;
  /** The member's snapshot waiting for confirmation, or null. */
  fetchPendingSnapshot(roomId: string): Promise<PendingSnapshot | null>;
  /** Confirms the pending snapshot with that SHA-256 of its ciphertext; false when it no longer waits. */
  confirmSnapshot(roomId: string, upToSeq: number, sender: string, digest: Uint8Array): Promise<boolean>;
  pushAwareness(roomId: string, envelope: Envelope): Promise<void>;
  sendChat(roomId: string, clientMessageId: string, envelope: Envelope): Promise<ChatAck>;
  chatHistory(roomId: string, beforeSeq: number, limit: number): Promise<ChatPage>;
  chatSince(roomId: string, afterSeq: number, limit: number): Promise<ChatPage>;
  setTyping(roomId: string, typing: boolean): Promise<void>;
  /** Creator only; anyone else is refused with `not-creator`. */
  kick(roomId: string, memberId: string): Promise<void>;
  /** Creator only: deletes the room for everyone. */
  terminate(roomId: string): Promise<void>;
  /** Creator only: 8–128 characters protect the room, null removes the password. */
  setRoomPassword(roomId: string, password: string | null): Promise<void>;
  /** Creator only: with the lobby on, new members wait until the creator decides. */
  setLobby(roomId: string, on: boolean): Promise<void>;
  /** Creator only; the member must be waiting (`not-waiting` otherwise). */
  decideJoin(roomId: string, memberId: string, admit: boolean): Promise<void>;
  /** All or nothing (docs/protocol.md, "Keys"); resolves to the number of grants newly stored. */
  grantKeys(roomId: string, grants: Grant[]): Promise<number>;
  /** All or nothing; `rotation-stale` when another member rotated first. */
  rotateKey(roomId: string, rotation: Rotation): Promise<void>;
  /** Creator with the naming ability: a `room-meta` envelope of the current epoch. */
  setRoomMeta(roomId: string, envelope: Envelope): Promise<void>;
  /** Creator only. */
  setHistoryVisible(roomId: string, visible: boolean): Promise<void>;
  /** Any member but the creator: leaves for good. */
  leaveRoom(roomId: string): Promise<void>;
  /** The room's entries ordered by id, after `afterEntryId` (null: from the start); limit 1–1000. */
  listEntries(roomId: string, afterEntryId: string | null, limit: number): Promise<EntryPage>;
  /** Members with the `shareFiles` ability; `entry-stale` when `expectedVersion` is not the entry's. */
  putEntry(roomId: string, write: EntryWrite): Promise<Entry>;
  /** Members with the `shareFiles` ability; resolves to how many went (unknown ids are skipped). */
  deleteEntries(roomId: string, entryIds: string[]): Promise<number>;
  /** Creator only; newest first, before `beforeSeq` (0: the newest); limit 1–200. */
  activityLog(roomId: string, beforeSeq: number, limit: number): Promise<ActivityPage>;
}
