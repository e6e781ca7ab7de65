// The hub's records as the browser reads them (docs/protocol.md). MessagePack maps arrive as plain
// objects with camelCase keys; `readers.ts` checks them into these types.
import type { DeviceKeys, Envelope, Grant } from '../crypto';
import type { Abilities } from './abilities';

export type { Abilities, DeviceKeys, Envelope, Grant };

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
  /** In a KeyRotated event: when the server moved the room to this epoch (Unix ms, UTC). Never sent. */
  changedAt?: number;
}

/** Someone waiting in the lobby; the profile is theirs to claim, so it may not decrypt. */
export interface JoinRequestInfo { memberId: string; profile: Envelope | null }

export interface StoredUpdate { seq: number; sender: string; envelope: Envelope }
export interface StoredSnapshot { upToSeq: number; sender: string; envelope: Envelope }
export interface UpdatePage { updates: StoredUpdate[]; more: boolean }
/** `confirmDue` names a member's snapshot waiting for another member's check (docs/protocol.md, "Vandal snapshots"). */
export interface PushResult { seq: number; snapshotDue: boolean; confirmDue: SnapshotRef | null }
export interface SnapshotRef { upToSeq: number; sender: string }
/** A pending snapshot and the confirmed one the log it covers starts after. */
export interface PendingSnapshot { pending: StoredSnapshot; confirmed: StoredSnapshot | null }

/** A chat message as the server stores it: `sentAt` is server time, Unix ms UTC. */
export interface StoredChat { seq: number; sender: string; clientMessageId: string; sentAt: number; envelope: Envelope }
export interface ChatAck { seq: number; sentAt: number }
/** `ChatHistory` pages are newest first, `ChatSince` pages oldest first. */
export interface ChatPage { messages: StoredChat[]; more: boolean }

/** When an idle room would be deleted: after `idleExpiryMs` without activity counted from `lastActiveAt` (ms since the epoch, coarse). */
export interface RoomExpiry {
  idleExpiryMs: number;
  lastActiveAt: number;
}

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
  /** The server's idle expiry for this room; null from a server that does not say (show nothing then). */
  expiry: RoomExpiry | null;
  /** When the current key epoch began (Unix ms, UTC); null before the first key (or from a server that does not say). */
  keyChangedAt: number | null;
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
