// The web side's one definition of the hub contract (docs/protocol.md). MessagePack maps arrive as
// plain objects with camelCase keys; readers check shapes here so the rest of the client can trust
// its types, and turn int64 values (which may decode as number or bigint) into numbers.
import { readAbilities, type Abilities } from '../accounts/abilities';
import type { DeviceKeys, Envelope, Grant } from '../crypto';

export type { DeviceKeys, Envelope, Grant };

export interface JoinRequest {
  roomId: string;
  joinKey: Uint8Array;
  memberId: string | null;
  memberToken: Uint8Array | null;
  sinceSeq: number;
  /** From `POST /api/rooms`; makes the joining member the room's creator (once). Null when this browser has none. */
  creatorToken: Uint8Array | null;
  /** Asked of new members of a protected room only; kept in memory until the join is admitted. */
  password: string | null;
  /** This browser's name and colour, kind `member-profile` sealed with sender "": shown to the creator while it waits in the lobby. */
  profile: Envelope | null;
  /** This browser's public keys; a new member must send them (a resuming one keeps those it joined with). */
  device: DeviceKeys | null;
  /** HMAC over the device keys with the link-proof key: shows the members that this browser holds the link. */
  linkProof: Uint8Array | null;
}

/** A current member in the room's key directory (docs/protocol.md, "Keys"). */
export interface MemberKeys {
  memberId: string;
  wrapKey: Uint8Array;
  signKey: Uint8Array;
  linkProof: Uint8Array;
}

/** A move to the next key epoch; `joinVerifier` (creator only) renews the invite link as well. */
export interface Rotation {
  epoch: number;
  grants: Grant[];
  roomLink: Envelope;
  roomMeta: Envelope | null;
  /** Never in a KeyRotated event: only the rotating creator's own request carries it. */
  joinVerifier: Uint8Array | null;
}

/** Someone waiting in the lobby; the profile is theirs to claim, so it may not decrypt. */
export interface JoinRequestInfo { memberId: string; profile: Envelope | null }

export interface StoredUpdate { seq: number; sender: string; envelope: Envelope }
export interface StoredSnapshot { upToSeq: number; sender: string; envelope: Envelope }
export interface UpdatePage { updates: StoredUpdate[]; more: boolean }
export interface PushResult { seq: number; snapshotDue: boolean }

/** A chat message as the server stores it: `sentAt` is server time, Unix ms UTC. */
export interface StoredChat { seq: number; sender: string; clientMessageId: string; sentAt: number; envelope: Envelope }
export interface ChatAck { seq: number; sentAt: number }
/** `ChatHistory` pages are newest first, `ChatSince` pages oldest first. */
export interface ChatPage { messages: StoredChat[]; more: boolean }

export interface JoinResult {
  memberId: string;
  memberToken: Uint8Array;
  epoch: number;
  latestSeq: number;
  snapshot: StoredSnapshot | null;
  updates: StoredUpdate[];
  more: boolean;
  online: string[];
  /** The room creator's member id; null until the creator has joined. */
  creatorId: string | null;
  /** Whether new members need the room password (the caller got in, so it is not asked again). */
  passwordProtected: boolean;
  /** Whether new members wait for the creator to let them in. */
  lobby: boolean;
  /** This browser was recorded as waiting in the lobby: only the member credentials count, it is not in. */
  waiting: boolean;
  /** The creator's only: everyone still waiting in the lobby. */
  joinRequests: JoinRequestInfo[];
  /** The caller's own grants, every epoch it holds one of. */
  grants: Grant[];
  /** The directory of current members' device keys and link proofs. */
  members: MemberKeys[];
  /**
   * The keys of whoever signed the caller's grants, current members or not: a grant from a member
   * kicked since, or who left, stays valid. Only for checking those grants: not members.
   */
  granters: MemberKeys[];
  /** Current members holding no grant of the current epoch. */
  keyRequests: string[];
  /** A member was kicked or left and the room still waits for the rotation that follows. */
  rotationDue: boolean;
  /** Whether members grant joiners the older epochs too. */
  historyVisible: boolean;
  /** The room's link secrets, the current one first, under the current epoch (kind `room-link`); null before epoch 0. */
  roomLink: Envelope | null;
  /** The room's custom name (kind `room-meta`); null when it has none. */
  roomMeta: Envelope | null;
  /** What the server's policy lets this member do: guest or signed in. */
  abilities: Abilities;
}

/** Hub methods, client to server. */
export const HubMethod = {
  joinRoom: 'JoinRoom',
  fetchUpdates: 'FetchUpdates',
  pushDocUpdate: 'PushDocUpdate',
  pushSnapshot: 'PushSnapshot',
  pushAwareness: 'PushAwareness',
  sendChat: 'SendChat',
  chatHistory: 'ChatHistory',
  chatSince: 'ChatSince',
  setTyping: 'SetTyping',
  kick: 'Kick',
  terminate: 'Terminate',
  setRoomPassword: 'SetRoomPassword',
  setLobby: 'SetLobby',
  decideJoin: 'DecideJoin',
  grantKeys: 'GrantKeys',
  rotateKey: 'RotateKey',
  setRoomMeta: 'SetRoomMeta',
  setHistoryVisible: 'SetHistoryVisible',
  leaveRoom: 'LeaveRoom',
  listEntries: 'ListEntries',
  putEntry: 'PutEntry',
  deleteEntries: 'DeleteEntries',
  activityLog: 'ActivityLog',
} as const;

/** Hub events, server to client. */
export const HubEvent = {
  docUpdate: 'DocUpdate',
  awareness: 'Awareness',
  memberJoined: 'MemberJoined',
  memberLeft: 'MemberLeft',
  chat: 'Chat',
  typing: 'Typing',
  memberKicked: 'MemberKicked',
  terminated: 'Terminated',
  roomProtectionChanged: 'RoomProtectionChanged',
  lobbyChanged: 'LobbyChanged',
  joinRequested: 'JoinRequested',
  joinDecided: 'JoinDecided',
  keyRequested: 'KeyRequested',
  keysGranted: 'KeysGranted',
  keyRotated: 'KeyRotated',
  rotationNeeded: 'RotationNeeded',
  roomMetaChanged: 'RoomMetaChanged',
  historyVisibilityChanged: 'HistoryVisibilityChanged',
  memberDeparted: 'MemberDeparted',
  entriesChanged: 'EntriesChanged',
  entriesDeleted: 'EntriesDeleted',
} as const;

type Raw = Record<string, unknown>;

function fail(what: string, field: string): never {
  throw new Error(`Malformed ${what} from server: bad ${field}`);
}

function map(value: unknown, what: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(what, 'map');
  return value as Raw;
}

function int(value: unknown, what: string, field: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(what, field);
  return n;
}

/** A key epoch: -1 is a room that has no key yet. */
function epochOf(value: unknown, what: string, field = 'epoch'): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < -1) fail(what, field);
  return n;
}

function str(value: unknown, what: string, field: string): string {
  if (typeof value !== 'string') fail(what, field);
  return value;
}

function bin(value: unknown, what: string, field: string): Uint8Array {
  if (!(value instanceof Uint8Array)) fail(what, field);
  return value;
}

export function readEnvelope(value: unknown): Envelope {
  const m = map(value, 'envelope');
  return {
    epoch: int(m.epoch, 'envelope', 'epoch'),
    iv: bin(m.iv, 'envelope', 'iv'),
    ciphertext: bin(m.ciphertext, 'envelope', 'ciphertext'),
  };
}

export function readStoredUpdate(value: unknown): StoredUpdate {
  const m = map(value, 'StoredUpdate');
  return { seq: int(m.seq, 'StoredUpdate', 'seq'), sender: str(m.sender, 'StoredUpdate', 'sender'), envelope: readEnvelope(m.envelope) };
}

function readUpdates(value: unknown, what: string): StoredUpdate[] {
  if (!Array.isArray(value)) fail(what, 'updates');
  return value.map(readStoredUpdate);
}

export function readUpdatePage(value: unknown): UpdatePage {
  const m = map(value, 'UpdatePage');
  return { updates: readUpdates(m.updates, 'UpdatePage'), more: m.more === true };
}

export function readPushResult(value: unknown): PushResult {
  const m = map(value, 'PushResult');
  return { seq: int(m.seq, 'PushResult', 'seq'), snapshotDue: m.snapshotDue === true };
}

export function readJoinRequestInfo(value: unknown): JoinRequestInfo {
  const what = 'JoinRequestInfo';
  const m = map(value, what);
  return { memberId: str(m.memberId, what, 'memberId'), profile: m.profile == null ? null : readEnvelope(m.profile) };
}

/** A list the server may leave out (older servers, or a waiting result that carries "nothing else"). */
const list = (value: unknown, what: string, field: string): unknown[] => {
  if (value == null) return [];
  if (!Array.isArray(value)) fail(what, field);
  return value;
};

export function readGrant(value: unknown): Grant {
  const what = 'Grant';
  const m = map(value, what);
  return {
    epoch: int(m.epoch, what, 'epoch'),
    memberId: str(m.memberId, what, 'memberId'),
    granterId: str(m.granterId, what, 'granterId'),
    wrappedKey: bin(m.wrappedKey, what, 'wrappedKey'),
    signature: bin(m.signature, what, 'signature'),
  };
}

export function readMemberKeys(value: unknown): MemberKeys {
  const what = 'MemberKeys';
  const m = map(value, what);
  return {
    memberId: str(m.memberId, what, 'memberId'),
    wrapKey: bin(m.wrapKey, what, 'wrapKey'),
    signKey: bin(m.signKey, what, 'signKey'),
    linkProof: bin(m.linkProof, what, 'linkProof'),
  };
}

export const readGrants = (value: unknown): Grant[] => list(value, 'grant list', 'grants').map(readGrant);

export function readRotation(value: unknown): Rotation {
  const what = 'Rotation';
  const m = map(value, what);
  return {
    epoch: int(m.epoch, what, 'epoch'),
    grants: readGrants(m.grants),
    roomLink: readEnvelope(m.roomLink),
    roomMeta: m.roomMeta == null ? null : readEnvelope(m.roomMeta),
    joinVerifier: m.joinVerifier == null ? null : bin(m.joinVerifier, what, 'joinVerifier'),
  };
}

export function readJoinResult(value: unknown): JoinResult {
  const what = 'JoinResult';
  const m = map(value, what);
  const waiting = m.waiting === true;
  let snapshot: StoredSnapshot | null = null;
  if (m.snapshot != null) {
    const s = map(m.snapshot, 'StoredSnapshot');
    snapshot = {
      upToSeq: int(s.upToSeq, 'StoredSnapshot', 'upToSeq'),
      sender: str(s.sender, 'StoredSnapshot', 'sender'),
      envelope: readEnvelope(s.envelope),
    };
  }
  if (!waiting && !Array.isArray(m.online)) fail(what, 'online');
  return {
    memberId: str(m.memberId, what, 'memberId'),
    memberToken: bin(m.memberToken, what, 'memberToken'),
    epoch: epochOf(m.epoch, what),
    latestSeq: int(m.latestSeq, what, 'latestSeq'),
    snapshot,
    updates: waiting ? [] : readUpdates(m.updates, what),
    more: !waiting && m.more === true,
    online: list(m.online, what, 'online').map((id) => str(id, what, 'online')),
    // Absent from servers older than the creator controls: then nobody is the creator.
    creatorId: m.creatorId == null ? null : str(m.creatorId, what, 'creatorId'),
    // Absent from servers older than room passwords: those rooms are open.
    passwordProtected: m.passwordProtected === true,
    // Absent from servers older than the lobby: nobody waits.
    lobby: m.lobby === true,
    waiting,
    joinRequests: list(m.joinRequests, what, 'joinRequests').map(readJoinRequestInfo),
    grants: readGrants(m.grants),
    members: list(m.members, what, 'members').map(readMemberKeys),
    granters: list(m.granters, what, 'granters').map(readMemberKeys),
    keyRequests: list(m.keyRequests, what, 'keyRequests').map((id) => str(id, what, 'keyRequests')),
    rotationDue: m.rotationDue === true,
    // Absent only from servers older than history settings, whose rooms showed everything.
    historyVisible: m.historyVisible !== false,
    roomLink: m.roomLink == null ? null : readEnvelope(m.roomLink),
    roomMeta: m.roomMeta == null ? null : readEnvelope(m.roomMeta),
    abilities: readAbilities(m.abilities),
  };
}

export function readStoredChat(value: unknown): StoredChat {
  const what = 'StoredChat';
  const m = map(value, what);
  return {
    seq: int(m.seq, what, 'seq'),
    sender: str(m.sender, what, 'sender'),
    clientMessageId: str(m.clientMessageId, what, 'clientMessageId'),
    sentAt: int(m.sentAt, what, 'sentAt'),
    envelope: readEnvelope(m.envelope),
  };
}

export function readChatAck(value: unknown): ChatAck {
  const m = map(value, 'ChatAck');
  return { seq: int(m.seq, 'ChatAck', 'seq'), sentAt: int(m.sentAt, 'ChatAck', 'sentAt') };
}

export function readChatPage(value: unknown): ChatPage {
  const m = map(value, 'ChatPage');
  if (!Array.isArray(m.messages)) fail('ChatPage', 'messages');
  return { messages: m.messages.map(readStoredChat), more: m.more === true };
}

const HUB_EXCEPTION = 'HubException: ';

/**
 * The server's own words in a hub error. SignalR wraps a HubException as "An unexpected error
 * occurred invoking 'Kick' on the server. HubException: {message}"; people should see only the
 * message, and code matches on it (docs/protocol.md).
 */
export function hubErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(HUB_EXCEPTION);
  return at < 0 ? message : message.slice(at + HUB_EXCEPTION.length);
}

// The room's file manager (docs/protocol.md, "File manager"): the server sees ids, sizes, times
// and who did what; names, folders, types and file keys are in the entry's `file-meta` envelope.

/** One file or folder of the room. Times are Unix ms, UTC; `fileId` is null for folders. */
export interface Entry {
  entryId: string;
  fileId: string | null;
  version: number;
  size: number;
  uploader: string;
  updatedBy: string;
  createdAt: number;
  updatedAt: number;
  meta: Envelope;
}

/** `entryId` null makes a new entry; with one, `expectedVersion` must match, and no `fileId` changes only the meta. */
export interface EntryWrite { entryId: string | null; fileId: string | null; meta: Envelope; expectedVersion: number }
export interface EntryPage { entries: Entry[]; more: boolean }
/** `action`: joined, left, kicked, uploaded, folder, updated, renamed, deleted, downloaded. */
export interface ActivityEvent { seq: number; at: number; memberId: string; action: string; entryId: string | null; fileId: string | null }
/** Newest first. */
export interface ActivityPage { events: ActivityEvent[]; more: boolean }

const optionalStr = (value: unknown, what: string, field: string): string | null => (value == null ? null : str(value, what, field));

export function readEntry(value: unknown): Entry {
  const what = 'Entry';
  const m = map(value, what);
  return {
    entryId: str(m.entryId, what, 'entryId'),
    fileId: optionalStr(m.fileId, what, 'fileId'),
    version: int(m.version, what, 'version'),
    size: int(m.size, what, 'size'),
    uploader: str(m.uploader, what, 'uploader'),
    updatedBy: str(m.updatedBy, what, 'updatedBy'),
    createdAt: int(m.createdAt, what, 'createdAt'),
    updatedAt: int(m.updatedAt, what, 'updatedAt'),
    meta: readEnvelope(m.meta),
  };
}

export const readEntries = (value: unknown): Entry[] => list(value, 'entry list', 'entries').map(readEntry);

export function readEntryPage(value: unknown): EntryPage {
  const m = map(value, 'EntryPage');
  if (!Array.isArray(m.entries)) fail('EntryPage', 'entries');
  return { entries: m.entries.map(readEntry), more: m.more === true };
}

export function readActivityEvent(value: unknown): ActivityEvent {
  const what = 'ActivityEvent';
  const m = map(value, what);
  return {
    seq: int(m.seq, what, 'seq'),
    at: int(m.at, what, 'at'),
    memberId: str(m.memberId, what, 'memberId'),
    action: str(m.action, what, 'action'),
    entryId: optionalStr(m.entryId, what, 'entryId'),
    fileId: optionalStr(m.fileId, what, 'fileId'),
  };
}

export function readActivityPage(value: unknown): ActivityPage {
  const m = map(value, 'ActivityPage');
  if (!Array.isArray(m.events)) fail('ActivityPage', 'events');
  return { events: m.events.map(readActivityEvent), more: m.more === true };
}

/** A count the hub returns (int, which MessagePack may hand over as bigint). */
export const readCount = (value: unknown): number => int(value, 'count', 'value');
