import { describe, expect, it } from 'vitest';
import {
  readChatAck,
  readChatPage,
  readJoinRequestInfo,
  readJoinResult,
  readMemberKeys,
  readPendingSnapshot,
  readPushResult,
  readRotation,
  readStoredChat,
} from './protocol';

const envelope = { epoch: 0, iv: new Uint8Array(12), ciphertext: new Uint8Array(17) };

describe('chat protocol readers', () => {
  it('reads stored messages, with int64 values that arrive as bigint', () => {
    const raw = { seq: 7n, sender: 'm1', clientMessageId: 'c1', sentAt: 1_700_000_000_123n, envelope };
    expect(readStoredChat(raw)).toEqual({ seq: 7, sender: 'm1', clientMessageId: 'c1', sentAt: 1_700_000_000_123, envelope });
    expect(readChatAck({ seq: 3, sentAt: 5 })).toEqual({ seq: 3, sentAt: 5 });
    expect(readChatPage({ messages: [raw], more: true })).toMatchObject({ more: true, messages: [{ seq: 7 }] });
  });

  it('refuses shapes the protocol does not allow', () => {
    expect(() => readStoredChat({ seq: -1, sender: 'm', clientMessageId: 'c', sentAt: 0, envelope })).toThrow(/seq/);
    expect(() => readStoredChat({ seq: 1, sender: 'm', sentAt: 0, envelope })).toThrow(/clientMessageId/);
    expect(() => readStoredChat({ seq: 1, sender: 'm', clientMessageId: 'c', sentAt: 0, envelope: { epoch: 0 } })).toThrow(/iv/);
    expect(() => readChatPage({ messages: null })).toThrow(/messages/);
    expect(() => readChatAck([])).toThrow(/map/);
  });
});

/** A join result as the server sends it: every field present, the nullable ones null. */
const fullJoin = {
  memberId: 'm1',
  memberToken: new Uint8Array(32),
  epoch: 0,
  latestSeq: 0n,
  snapshot: null,
  updates: [],
  more: false,
  online: ['m1'],
  creatorId: null,
  passwordProtected: false,
  lobby: false,
  waiting: false,
  joinRequests: [],
  grants: [],
  members: [],
  granters: [],
  keyRequests: [],
  rotationDue: false,
  historyVisible: true,
  roomLink: null,
  roomMeta: null,
  abilities: null,
};

describe('creator controls in the protocol', () => {
  const join = fullJoin;

  it('reads the creator id of a join, null when nil', () => {
    expect(readJoinResult({ ...join, creatorId: 'm0' }).creatorId).toBe('m0');
    expect(readJoinResult({ ...join, creatorId: null }).creatorId).toBeNull();
    expect(() => readJoinResult({ ...join, creatorId: 7 })).toThrow(/creatorId/);
  });

  it('reads whether the room is password protected, and refuses a join result that does not say', () => {
    expect(readJoinResult({ ...join, passwordProtected: true }).passwordProtected).toBe(true);
    expect(() => readJoinResult({ ...join, passwordProtected: undefined })).toThrow(/passwordProtected/);
  });

  it('reads the lobby fields, and refuses a join result without them', () => {
    expect(readJoinResult(join)).toMatchObject({ lobby: false, waiting: false, joinRequests: [] });
    const requests = [{ memberId: 'm2', profile: envelope }, { memberId: 'm3', profile: null }];
    expect(readJoinResult({ ...join, lobby: true, joinRequests: requests })).toMatchObject({ lobby: true, joinRequests: requests });
    expect(() => readJoinResult({ ...join, joinRequests: [{ profile: envelope }] })).toThrow(/memberId/);
    expect(() => readJoinResult({ ...join, lobby: undefined })).toThrow(/lobby/);
    expect(() => readJoinResult({ ...join, joinRequests: undefined })).toThrow(/joinRequests/);
    expect(readJoinRequestInfo({ memberId: 'm2', profile: envelope })).toEqual({ memberId: 'm2', profile: envelope });
  });

  it('reads a waiting result, whose lists are empty', () => {
    const waiting = { ...join, memberId: 'm2', waiting: true, online: [] };
    expect(readJoinResult(waiting)).toMatchObject({ memberId: 'm2', waiting: true, updates: [], online: [], more: false, joinRequests: [] });
    expect(() => readJoinResult({ ...waiting, online: null })).toThrow(/online/);
  });

  it('grants no ability when the join result names none', () => {
    expect(readJoinResult(join).abilities).toEqual({ shareFiles: false, protectRoom: false, nameRoom: false });
    expect(readJoinResult({ ...join, abilities: undefined }).abilities).toEqual({ shareFiles: false, protectRoom: false, nameRoom: false });
  });

  it('reads the idle expiry when the server tells it, and leaves it unknown when it does not', () => {
    expect(readJoinResult({ ...join, idleExpirySeconds: 2_592_000, lastActiveAt: 1_700_000_000_000 }).expiry).toEqual({
      idleExpiryMs: 2_592_000_000,
      lastActiveAt: 1_700_000_000_000,
    });
    expect(readJoinResult(join).expiry).toBeNull();
    expect(readJoinResult({ ...join, idleExpirySeconds: 60 }).expiry).toBeNull();
    expect(() => readJoinResult({ ...join, idleExpirySeconds: -1, lastActiveAt: 0 })).toThrow(/idleExpirySeconds/);
  });
});

describe('keys in the protocol', () => {
  const join = fullJoin;
  const grant = { epoch: 2n, memberId: 'm1', granterId: 'm0', wrappedKey: new Uint8Array(384), signature: new Uint8Array(64) };
  const keys = { memberId: 'm0', wrapKey: new Uint8Array(420), signKey: new Uint8Array(91), linkProof: new Uint8Array(32) };

  it('reads the key fields of a join: grants, directory, granters, requests, rotation due, history and the room envelopes', () => {
    const former = { ...keys, memberId: 'm9' };
    const result = readJoinResult({
      ...join,
      grants: [grant],
      members: [keys],
      granters: [keys, former],
      keyRequests: ['m2'],
      rotationDue: true,
      historyVisible: false,
      roomLink: envelope,
      roomMeta: null,
    });
    expect(result).toMatchObject({
      grants: [{ ...grant, epoch: 2 }],
      members: [keys],
      granters: [keys, former],
      keyRequests: ['m2'],
      rotationDue: true,
      historyVisible: false,
      roomLink: envelope,
      roomMeta: null,
    });
  });

  it('reads a room that has no key yet (epoch -1), and the abilities the server names', () => {
    const fresh = readJoinResult({ ...join, epoch: -1 });
    expect(fresh).toMatchObject({ epoch: -1, grants: [], members: [], granters: [], keyRequests: [], rotationDue: false, historyVisible: true, roomLink: null });
    expect(() => readJoinResult({ ...join, historyVisible: undefined })).toThrow(/historyVisible/);
    expect(readJoinResult({ ...join, abilities: { nameRoom: true } }).abilities).toEqual({ shareFiles: false, protectRoom: false, nameRoom: true });
    expect(() => readJoinResult({ ...join, epoch: -2 })).toThrow(/epoch/);
  });

  it('refuses malformed grants, directory entries and rotations', () => {
    expect(() => readJoinResult({ ...join, grants: [{ ...grant, epoch: -1 }] })).toThrow(/Grant from server: bad epoch/);
    expect(() => readJoinResult({ ...join, grants: [{ ...grant, signature: 'AAAA' }] })).toThrow(/signature/);
    expect(() => readMemberKeys({ ...keys, linkProof: null })).toThrow(/linkProof/);
    expect(() => readJoinResult({ ...join, granters: [{ ...keys, signKey: 'AAAA' }] })).toThrow(/signKey/);
    expect(() => readRotation({ epoch: 1, grants: [grant] })).toThrow(/Malformed envelope/);
  });

  it('reads a rotation as KeyRotated carries it: no join verifier', () => {
    expect(readRotation({ epoch: 3, grants: [grant], roomLink: envelope, roomMeta: envelope })).toEqual({
      epoch: 3,
      grants: [{ ...grant, epoch: 2 }],
      roomLink: envelope,
      roomMeta: envelope,
      joinVerifier: null,
    });
  });
});

describe('snapshot readers', () => {
  it('reads a push result with and without a snapshot to confirm', () => {
    expect(readPushResult({ seq: 4n, snapshotDue: false })).toEqual({ seq: 4, snapshotDue: false, confirmDue: null });
    expect(readPushResult({ seq: 5, snapshotDue: false, confirmDue: { upToSeq: 3n, sender: 'm2' } })).toEqual({
      seq: 5,
      snapshotDue: false,
      confirmDue: { upToSeq: 3, sender: 'm2' },
    });
    expect(() => readPushResult({ seq: 5, snapshotDue: false, confirmDue: { upToSeq: 3 } })).toThrow(/SnapshotRef/);
  });

  it('reads a pending snapshot with the confirmed one it follows, or none', () => {
    expect(readPendingSnapshot(null)).toBeNull();
    const pending = { upToSeq: 9, sender: 'm2', envelope };
    expect(readPendingSnapshot({ pending, confirmed: null })).toEqual({ pending, confirmed: null });
    expect(() => readPendingSnapshot({ confirmed: pending })).toThrow(/PendingSnapshot/);
  });
});
