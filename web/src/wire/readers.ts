// Readers for the hub's answers and events about the document, keys, the lobby and chat: each
// checks a MessagePack map into its record (records.ts) or throws.
import { readAbilities } from './abilities';
import { bin, epochOf, fail, flag, int, list, map, str } from './fields';
import type {
  ChatAck,
  ChatPage,
  Envelope,
  Grant,
  JoinRequestInfo,
  JoinResult,
  RoomExpiry,
  MemberKeys,
  PendingSnapshot,
  PushResult,
  Rotation,
  SnapshotRef,
  StoredChat,
  StoredSnapshot,
  StoredUpdate,
  UpdatePage,
} from './records';

export function readEnvelope(value: unknown): Envelope {
  const m = map(value, 'envelope');
  return {
    epoch: int(m.epoch, 'envelope', 'epoch'),
    iv: bin(m.iv, 'envelope', 'iv'),
    ciphertext: bin(m.ciphertext, 'envelope', 'ciphertext'),
  };
}

const optionalEnvelope = (value: unknown): Envelope | null => (value == null ? null : readEnvelope(value));

export function readStoredUpdate(value: unknown): StoredUpdate {
  const m = map(value, 'StoredUpdate');
  return { seq: int(m.seq, 'StoredUpdate', 'seq'), sender: str(m.sender, 'StoredUpdate', 'sender'), envelope: readEnvelope(m.envelope) };
}

export function readUpdatePage(value: unknown): UpdatePage {
  const m = map(value, 'UpdatePage');
  return { updates: list(m.updates, 'UpdatePage', 'updates').map(readStoredUpdate), more: m.more === true };
}

export function readPushResult(value: unknown): PushResult {
  const m = map(value, 'PushResult');
  return { seq: int(m.seq, 'PushResult', 'seq'), snapshotDue: m.snapshotDue === true, confirmDue: readSnapshotRef(m.confirmDue) };
}

function readSnapshotRef(value: unknown): SnapshotRef | null {
  if (value == null) return null;
  const r = map(value, 'SnapshotRef');
  return { upToSeq: int(r.upToSeq, 'SnapshotRef', 'upToSeq'), sender: str(r.sender, 'SnapshotRef', 'sender') };
}

export function readPendingSnapshot(value: unknown): PendingSnapshot | null {
  if (value == null) return null;
  const m = map(value, 'PendingSnapshot');
  const pending = readSnapshot(m.pending);
  if (!pending) fail('PendingSnapshot', 'pending');
  return { pending, confirmed: readSnapshot(m.confirmed) };
}

export function readJoinRequestInfo(value: unknown): JoinRequestInfo {
  const what = 'JoinRequestInfo';
  const m = map(value, what);
  return { memberId: str(m.memberId, what, 'memberId'), profile: optionalEnvelope(m.profile) };
}

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

/** A DocUpdates event's batch, read whole: a malformed batch is refused whole. */
export const readStoredUpdates = (value: unknown): StoredUpdate[] => list(value, 'DocUpdates', 'updates').map(readStoredUpdate);
export const readGrants = (value: unknown): Grant[] => list(value, 'grant list', 'grants').map(readGrant);

export function readRotation(value: unknown): Rotation {
  const what = 'Rotation';
  const m = map(value, what);
  return {
    epoch: int(m.epoch, what, 'epoch'),
    grants: readGrants(m.grants),
    roomLink: readEnvelope(m.roomLink),
    roomMeta: optionalEnvelope(m.roomMeta),
    joinVerifier: m.joinVerifier == null ? null : bin(m.joinVerifier, what, 'joinVerifier'),
    ...(m.changedAt == null ? {} : { changedAt: int(m.changedAt, what, 'changedAt') }),
  };
}

function readSnapshot(value: unknown): StoredSnapshot | null {
  if (value == null) return null;
  const what = 'StoredSnapshot';
  const s = map(value, what);
  return { upToSeq: int(s.upToSeq, what, 'upToSeq'), sender: str(s.sender, what, 'sender'), envelope: readEnvelope(s.envelope) };
}

/** Every field is required (a lobby guest's result carries empty lists), except the nullable ones and `abilities`, whose absence grants nothing. */
export function readJoinResult(value: unknown): JoinResult {
  const what = 'JoinResult';
  const m = map(value, what);
  const ids = (field: string) => list(m[field], what, field).map((id) => str(id, what, field));
  return {
    memberId: str(m.memberId, what, 'memberId'),
    memberToken: bin(m.memberToken, what, 'memberToken'),
    epoch: epochOf(m.epoch, what),
    latestSeq: int(m.latestSeq, what, 'latestSeq'),
    snapshot: readSnapshot(m.snapshot),
    updates: list(m.updates, what, 'updates').map(readStoredUpdate),
    more: flag(m.more, what, 'more'),
    online: ids('online'),
    creatorId: m.creatorId == null ? null : str(m.creatorId, what, 'creatorId'),
    passwordProtected: flag(m.passwordProtected, what, 'passwordProtected'),
    lobby: flag(m.lobby, what, 'lobby'),
    waiting: flag(m.waiting, what, 'waiting'),
    joinRequests: list(m.joinRequests, what, 'joinRequests').map(readJoinRequestInfo),
    grants: list(m.grants, what, 'grants').map(readGrant),
    members: list(m.members, what, 'members').map(readMemberKeys),
    granters: list(m.granters, what, 'granters').map(readMemberKeys),
    keyRequests: ids('keyRequests'),
    rotationDue: flag(m.rotationDue, what, 'rotationDue'),
    historyVisible: flag(m.historyVisible, what, 'historyVisible'),
    roomLink: optionalEnvelope(m.roomLink),
    roomMeta: optionalEnvelope(m.roomMeta),
    abilities: readAbilities(m.abilities),
    expiry: readExpiry(m, what),
    keyChangedAt: m.keyChangedAt == null ? null : int(m.keyChangedAt, what, 'keyChangedAt'),
  };
}

/** Both fields or nothing: an older server sends neither, and then the expiry is unknown. */
function readExpiry(m: Record<string, unknown>, what: string): RoomExpiry | null {
  if (m.idleExpirySeconds == null || m.lastActiveAt == null) return null;
  return { idleExpiryMs: int(m.idleExpirySeconds, what, 'idleExpirySeconds') * 1000, lastActiveAt: int(m.lastActiveAt, what, 'lastActiveAt') };
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
