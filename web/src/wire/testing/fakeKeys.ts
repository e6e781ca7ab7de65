// The key rules of the server (docs/protocol.md, "Keys"), in memory, for FakeRelay: the member
// directory, grants (all or nothing, first grant wins), rotations (-1 → 0 only from the creator,
// exactly e + 1, every keyed member granted) and the epoch check on envelopes. Unit tests only.
import { SIGNATURE_BYTES, WRAPPED_KEY_BYTES } from '../../crypto';
import { LIMITS } from '../limits';
import type { DeviceKeys, Envelope, Grant, JoinResult, MemberKeys, Rotation } from '../protocol';
import type { RefusalCode } from '../refusals';
import type { TransportEvents } from '../transport';
import type { FakeTransport } from './fakeTransport';
import { hubRefusal } from './hubRefusal';

/** What FakeKeys needs of the relay around it. */
export interface FakeKeyHost {
  readonly roomId: string;
  creator(): string | null;
  /** Admitted members not kicked, departed or refused. */
  currentMembers(): Set<string>;
  /** To every joined connection (the caller's included) that `to` picks. */
  send(deliver: (listener: Partial<TransportEvents>) => void, to?: (c: FakeTransport) => boolean): void;
  /** A renewed link: only its join key admits new members from now on. */
  renewJoinVerifier(verifier: Uint8Array): void;
}


const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const MAX_GRANTS = LIMITS.maxGrantsPerCall;

export class FakeKeys {
  epoch: number;
  historyVisible = true;
  rotationDue = false;
  /** When the current epoch began, as the server says it (Unix ms); null before the first key. */
  keyChangedAt: number | null = null;
  roomLink: Envelope | null = null;
  roomMeta: Envelope | null = null;
  /** Stored grants by `${epoch}|${memberId}`. */
  readonly grants = new Map<string, Grant>();
  readonly directory = new Map<string, MemberKeys>();
  readonly bannedSignKeys: Uint8Array[] = [];
  /** Every RotateKey call, refused ones included. */
  readonly rotateCalls: { sender: string; epoch: number; renewsLink: boolean; accepted: boolean }[] = [];
  readonly grantCalls: { sender: string; grants: Grant[] }[] = [];
  /** Hub methods whose envelope was refused as `Stale key epoch`. */
  readonly staleRefusals: string[] = [];
  /** Who the relay names to grant a joiner, as the server chooses one keyed member; unset: nobody named, every keyed member grants. */
  granter: ((joiner: string) => string | null) | null = null;

  /**
   * `preKeyed`: the room is at epoch 0 and the tests handed that key to every browser themselves,
   * so every current member counts as holding epoch 0 though no grant of it is stored (key
   * requests still go out for members without a stored grant, as the server's do).
   */
  constructor(
    private readonly host: FakeKeyHost,
    private readonly preKeyed: boolean,
    /**
     * Sends no KeyRequested before the room has a key, as if the members missed it (the server
     * sends it): a granter a browser never heard of must then come from a fresh join.
     */
    private readonly silentBeforeFirstKey = false,
  ) {
    this.epoch = preKeyed ? 0 : -1;
  }

  holds(memberId: string, epoch: number): boolean {
    return this.grants.has(`${epoch}|${memberId}`) || (this.preKeyed && epoch === 0 && this.host.currentMembers().has(memberId));
  }

  /** A new member's device and proof, checked as the server does; banned devices are refused. */
  admit(memberId: string, device: DeviceKeys | null, linkProof: Uint8Array | null): void {
    if (!device?.wrapKey?.length || !device.signKey?.length || linkProof?.length !== 32) {
      throw hubRefusal('JoinRoom', 'device-keys-malformed', 'Malformed device keys: a new member needs an RSA-OAEP 3072 key, an ECDSA P-256 key and a 32-byte link proof.');
    }
    if (this.bannedSignKeys.some((k) => sameBytes(k, device.signKey))) throw hubRefusal('JoinRoom', 'member-removed', 'You were removed from this room.');
    this.directory.set(memberId, { memberId, wrapKey: device.wrapKey, signKey: device.signKey, linkProof });
  }

  ban(memberId: string): void {
    const keys = this.directory.get(memberId);
    if (keys) this.bannedSignKeys.push(keys.signKey);
    this.rotationDue = true;
  }

  /** The key fields of a join result for this member. */
  forJoin(
    memberId: string,
  ): Pick<JoinResult, 'epoch' | 'grants' | 'members' | 'granters' | 'keyRequests' | 'rotationDue' | 'historyVisible' | 'roomLink' | 'roomMeta' | 'keyChangedAt'> {
    const members = this.members();
    const grants = [...this.grants.values()].filter((g) => g.memberId === memberId).sort((a, b) => a.epoch - b.epoch);
    const granterIds = new Set(grants.map((g) => g.granterId));
    return {
      epoch: this.epoch,
      grants,
      members,
      // As the server: members of the room (kicked or departed since, too) who signed one of the caller's grants.
      granters: [...this.directory.values()].filter((m) => granterIds.has(m.memberId)),
      keyRequests: members.map((m) => m.memberId).filter((id) => !this.grants.has(`${this.epoch}|${id}`)),
      rotationDue: this.rotationDue,
      historyVisible: this.historyVisible,
      roomLink: this.roomLink,
      roomMeta: this.roomMeta,
      keyChangedAt: this.keyChangedAt,
    };
  }

  /**
   * After a join: a member without a grant of the current epoch asks the room for one (at epoch -1
   * too, so that the directories hold the creator's keys before its epoch-0 grants arrive).
   */
  requestKeysIfMissing(memberId: string): void {
    const keys = this.directory.get(memberId);
    if (this.epoch < 0 && this.silentBeforeFirstKey) return;
    if (!keys || this.grants.has(`${this.epoch}|${memberId}`) || !this.host.currentMembers().has(memberId)) return;
    const granter = this.granter?.(memberId) ?? null;
    this.host.send((l) => l.keyRequested?.(this.host.roomId, keys, granter));
  }

  grantKeys(caller: string, grants: Grant[]): number {
    this.grantCalls.push({ sender: caller, grants });
    const fail = (code: RefusalCode, message: string): never => {
      throw hubRefusal('GrantKeys', code, message);
    };
    if (grants.length > MAX_GRANTS) fail('grants-too-many', `Too many grants: at most ${MAX_GRANTS} per call.`);
    const current = this.host.currentMembers();
    for (const g of grants) {
      this.checkGrantShape(g, caller, fail);
      if (g.epoch < 0 || g.epoch > this.epoch) fail('grant-epoch-unheld', `Malformed grant: the room has no epoch ${g.epoch}.`);
      if (g.epoch < this.epoch && !this.historyVisible) fail('history-hidden', 'History is hidden in this room: only the current epoch may be granted.');
      if (!this.holds(caller, g.epoch)) fail('grant-epoch-unheld', `You hold no key of epoch ${g.epoch} to grant.`);
      if (!current.has(g.memberId)) fail('member-unknown', `No such member in this room: ${g.memberId}.`);
    }
    const stored = grants.filter((g) => {
      const key = `${g.epoch}|${g.memberId}`;
      if (this.grants.has(key)) return false; // the first grant stays
      this.grants.set(key, g);
      return true;
    });
    for (const memberId of new Set(stored.map((g) => g.memberId))) {
      const mine = stored.filter((g) => g.memberId === memberId);
      this.host.send((l) => l.keysGranted?.(this.host.roomId, mine), (c) => c.memberId === memberId);
    }
    return stored.length;
  }

  rotate(caller: string, rotation: Rotation): void {
    const call = { sender: caller, epoch: rotation.epoch, renewsLink: rotation.joinVerifier !== null, accepted: false };
    this.rotateCalls.push(call);
    const fail = (code: RefusalCode, message: string): never => {
      throw hubRefusal('RotateKey', code, message);
    };
    const next = this.epoch + 1;
    if (rotation.epoch !== next) fail('rotation-stale', `Stale rotation: the room is at epoch ${this.epoch}, so the next is ${next}, not ${rotation.epoch}.`);
    if (this.epoch < 0 ? caller !== this.host.creator() : !this.holds(caller, this.epoch)) {
      fail('rotation-forbidden', this.epoch < 0 ? "Only the room's creator can make its first key." : 'Only a member holding the current key can rotate it.');
    }
    if (rotation.joinVerifier !== null && (caller !== this.host.creator() || rotation.joinVerifier.length !== 32)) {
      if (caller !== this.host.creator()) fail('not-creator', "Only the room's creator can do that.");
      fail('rotation-malformed', 'Malformed rotation: a join verifier is 32 bytes.');
    }
    if (rotation.roomLink.epoch !== next) fail('rotation-malformed', `Stale key epoch: the room-link envelope must be of epoch ${next}.`);
    if (rotation.roomMeta ? rotation.roomMeta.epoch !== next : this.roomMeta !== null) {
      fail('rotation-malformed', 'Malformed rotation: the room-meta envelope must be re-encrypted under the new key.');
    }
    const current = this.host.currentMembers();
    const grantees = new Set<string>();
    for (const g of rotation.grants) {
      this.checkGrantShape(g, caller, fail);
      if (g.epoch !== next) fail('rotation-malformed', `Malformed rotation: every grant must be of epoch ${next}.`);
      if (grantees.has(g.memberId)) fail('rotation-malformed', `Malformed rotation: two grants for ${g.memberId}.`);
      if (!current.has(g.memberId)) fail('member-unknown', `No such member in this room: ${g.memberId}.`);
      grantees.add(g.memberId);
    }
    const required = [...current].filter((id) => this.holds(id, this.epoch) || id === caller);
    const missing = required.filter((id) => !grantees.has(id));
    if (missing.length > 0) fail('rotation-incomplete', `Rotation must grant every member: missing ${missing.join(', ')}.`);

    call.accepted = true;
    this.epoch = next;
    this.rotationDue = false;
    this.roomLink = rotation.roomLink;
    if (rotation.roomMeta) this.roomMeta = rotation.roomMeta;
    for (const g of rotation.grants) this.grants.set(`${next}|${g.memberId}`, g);
    if (rotation.joinVerifier) this.host.renewJoinVerifier(rotation.joinVerifier);
    this.keyChangedAt = Date.now();
    const heard = { ...rotation, joinVerifier: null, changedAt: this.keyChangedAt };
    this.host.send((l) => l.keyRotated?.(this.host.roomId, heard));
    // Members the rotation did not cover still need the new key.
    for (const id of current) if (!grantees.has(id)) this.requestKeysIfMissing(id);
  }

  /** The server's epoch check on every envelope it stores or relays. */
  checkEpoch(method: string, envelope: Envelope): void {
    if (this.epoch >= 0 && envelope.epoch === this.epoch) return;
    this.staleRefusals.push(method);
    if (this.epoch < 0) throw hubRefusal(method, 'epoch-stale', 'Stale key epoch: the room has no key yet; its creator makes the first one.');
    throw hubRefusal(method, 'epoch-stale', `Stale key epoch: ${envelope.epoch}, the room is at ${this.epoch}.`);
  }

  setMeta(caller: string, envelope: Envelope): void {
    this.requireCreator(caller, 'SetRoomMeta');
    this.checkEpoch('SetRoomMeta', envelope);
    this.roomMeta = envelope;
    this.host.send((l) => l.roomMetaChanged?.(this.host.roomId, envelope));
  }

  setHistoryVisible(caller: string, visible: boolean): void {
    this.requireCreator(caller, 'SetHistoryVisible');
    this.historyVisible = visible;
    this.host.send((l) => l.historyVisibilityChanged?.(this.host.roomId, visible));
  }

  private requireCreator(caller: string, method: string): void {
    if (caller !== this.host.creator()) throw hubRefusal(method, 'not-creator', "Only the room's creator can do that.");
  }

  private members(): MemberKeys[] {
    const current = this.host.currentMembers();
    return [...this.directory.values()].filter((m) => current.has(m.memberId));
  }

  private checkGrantShape(g: Grant, caller: string, fail: (code: RefusalCode, message: string) => never): void {
    if (!g.memberId) fail('grant-malformed', 'Malformed grant: it names no member.');
    if (g.granterId !== caller) fail('grant-malformed', 'Malformed grant: a grant must be signed by its caller.');
    if (g.wrappedKey.length !== WRAPPED_KEY_BYTES || g.signature.length !== SIGNATURE_BYTES) {
      fail('grant-malformed', `Malformed grant: a wrapped key is ${WRAPPED_KEY_BYTES} bytes and a signature ${SIGNATURE_BYTES}.`);
    }
  }
}
