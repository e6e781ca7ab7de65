import { fingerprint, openGrant, randomLinkSecret, type DeviceIdentity, type Grant, type RoomKeyRing } from '../crypto';
import { RoomDetails, sealRoomMeta } from '../rooms/roomEnvelopes';
import type { RoomLink } from '../rooms/roomLink';
import { Value } from '../state/value';
import { type JoinResult, type MemberKeys, type Rotation } from '../wire/protocol';
import { errorText } from '../wire/refusalWords';
import { refusalCodeOf } from '../wire/refusals';
import type { RoomTransport, TransportEvents } from '../wire/transport';
import { buildRotation, grantsForJoiner } from './grantMaking';
import { MemberDirectory } from './memberDirectory';

export interface RoomKeysOptions {
  roomId: string;
  device: DeviceIdentity;
  ring: RoomKeyRing;
  transport: RoomTransport;
  link: RoomLink;
  isCreator: () => boolean;
  /**
   * Join again: this browser now holds the room's current key, having waited for it, or it holds
   * a grant from a member it never heard of, whose keys a fresh join result brings.
   */
  rejoin: () => void;
  /** This browser moved the room to a new epoch: it uploads a fresh snapshot under it. */
  onRotated: () => void;
  report: (message: string) => void;
  /** Wait before a rotation any keyed member may make (RotationNeeded); random 2–6 s by default. */
  rotationDelayMs?: () => number;
}

/** A renewal refused as stale (someone rotated first) is tried again from the newer epoch, this often. */
const RENEW_TRIES = 3;

/**
 * The room's keys as this browser handles them (docs/protocol.md, "Keys"): fills the ring from
 * grants whose signatures check out against the members' (or former members') sign keys, grants
 * keys to joiners whose link proof holds, makes epoch 0 for the creator, rotates when members go,
 * and reads the room's own envelopes (the invite links, the custom name).
 *
 * Key changes run one after another (`serially`) and the ring waits for them before decrypting,
 * so an envelope that arrives right after its KeyRotated is read with the new key.
 */
export class RoomKeys {
  /** The room's current epoch as this browser last heard it; -1 before the room has a key. */
  readonly epoch = new Value(-1);
  /** Joined, but holding no key of the current epoch: nothing can be read or sent. */
  readonly waiting = new Value(false);
  readonly historyVisible = new Value(true);
  /** The custom name from `room-meta`; null when the room has none (or it is not readable). */
  readonly roomName: Value<string | null>;
  /** Fingerprints of the members in the directory, by member id. */
  readonly fingerprints: Value<ReadonlyMap<string, string>>;
  /** This device's own fingerprint. */
  readonly ownFingerprint = new Value<string | null>(null);
  /** When the room's current key epoch began, by the server's clock (Unix ms, UTC); null before the first key. */
  readonly keyChangedAt = new Value<number | null>(null);

  private memberId: string | null = null;
  /** Grants heard before the first join's answer was taken (see `granted`). */
  private early: Grant[] = [];
  private readonly directory = new MemberDirectory();
  private readonly details: RoomDetails;
  private queue: Promise<void> = Promise.resolve();
  private rotations: Promise<void> = Promise.resolve();
  private rotationTimer: ReturnType<typeof setTimeout> | null = null;
  /** The newest rotation heard, replayed after a join whose result it overtook. */
  private latestRotation: Rotation | null = null;
  /** Epochs of grants from a granter this browser never heard of; a fresh join is asked for once per epoch. */
  private readonly unverified = new Set<number>();
  private readonly refreshedFor = new Set<number>();
  private destroyed = false;

  constructor(private readonly options: RoomKeysOptions) {
    this.fingerprints = this.directory.fingerprints;
    this.details = new RoomDetails(options.roomId, options.link, (message) => this.report(message));
    this.roomName = this.details.name;
    void fingerprint(options.device).then((text) => this.ownFingerprint.set(text));
  }

  /** Whether this browser holds the key of the room's current epoch. */
  get holdsCurrent(): boolean {
    const epoch = this.epoch.get();
    return epoch >= 0 && this.options.ring.has(epoch);
  }

  /** KeyRequested, KeysGranted, KeyRotated, RotationNeeded, RotationRequested, RoomMetaChanged and HistoryVisibilityChanged for this room. */
  readonly events: Partial<TransportEvents> = {
    keyRequested: (room, member, granter) => room === this.options.roomId && this.keyRequested(member, granter),
    keysGranted: (room, grants) => room === this.options.roomId && this.granted(grants),
    keyRotated: (room, rotation) => room === this.options.roomId && void this.rotated(rotation),
    rotationNeeded: (room) => room === this.options.roomId && this.scheduleRotation(),
    rotationRequested: (room, epoch) => room === this.options.roomId && this.rotationRequested(epoch),
    roomMetaChanged: (room, envelope) => room === this.options.roomId && void this.serially(() => this.details.readName(this.options.ring, envelope)),
    historyVisibilityChanged: (room, visible) => room === this.options.roomId && this.historyVisible.set(visible),
  };

  /**
   * Takes a join result: the directory, this member's grants, the room's envelopes. The creator
   * of a new room makes epoch 0 before this resolves; a keyed browser then answers key requests.
   */
  async joined(result: JoinResult): Promise<void> {
    this.memberId = result.memberId;
    this.directory.replace(result.members);
    this.directory.learnSigners(result.granters); // checks grants from members gone since, listing none of them
    this.historyVisible.set(result.historyVisible);
    await this.serially(async () => {
      if (result.epoch >= this.epoch.get()) this.keyChangedAt.set(result.keyChangedAt);
      this.moveTo(result.epoch);
      await this.acceptGrants([...result.grants, ...this.early.splice(0)], true);
      await this.details.read(this.options.ring, result.roomLink, result.roomMeta);
    });
    // A rotation heard while this join was answered, newer than its result: its grant may be ours.
    const raced = this.latestRotation;
    if (raced && raced.epoch > result.epoch) await this.rotated(raced);
    if (this.epoch.get() < 0 && this.options.isCreator()) {
      await this.rotate(false).catch((error: unknown) => this.report(`Could not make the room's first key: ${errorText(error)}`));
    }
    this.waiting.set(!this.holdsCurrent);
    if (!this.holdsCurrent) return;
    for (const id of result.keyRequests) {
      const member = this.directory.get(id);
      if (member && id !== this.memberId) void this.grantTo(member);
    }
    if (result.rotationDue) this.scheduleRotation();
  }

  /**
   * A member may grant the moment the server asks it, so a grant can arrive in the same read as the
   * join's answer and be handled before that answer is taken: kept until the join says who this member is.
   */
  private granted(grants: Grant[]): void {
    if (this.memberId === null) this.early.push(...grants);
    else void this.afterKeys(this.serially(() => this.acceptGrants(grants)));
  }

  /** A member is gone (kicked or departed): it gets no more grants, nor a place in the next rotation. */
  forget(memberId: string): void {
    this.directory.remove(memberId);
  }

  /**
   * Moves the room to the next epoch: a fresh key granted to this member and every member in the
   * directory whose link proof holds, with the room's link secrets (renewed: a new one in front
   * and a new join verifier, creator only) and the name re-encrypted under it. Rotations run one at a time; one that
   * another member beat is no failure (its KeyRotated brings the key), except for a renewal,
   * which is tried again from the newer epoch.
   */
  rotate(renewLink: boolean, onlyFromEpoch?: number): Promise<void> {
    const run = this.rotations.then(async () => {
      for (let tries = 1; ; tries++) {
        if (await this.rotateOnce(renewLink, onlyFromEpoch)) return;
        if (!renewLink || tries >= RENEW_TRIES) return;
      }
    });
    this.rotations = run.catch(() => {});
    return run;
  }

  /** Creator with the naming ability: names the room for everyone (`room-meta` under the current key). */
  async setRoomName(name: string): Promise<void> {
    await this.queue;
    const epoch = this.epoch.get();
    const envelope = await sealRoomMeta(this.options.ring.keyFor(epoch), this.options.roomId, epoch, name);
    await this.options.transport.setRoomMeta(this.options.roomId, envelope);
    this.roomName.set(name.trim());
  }

  /** Creator only. */
  async setHistoryVisible(visible: boolean): Promise<void> {
    await this.options.transport.setHistoryVisible(this.options.roomId, visible);
    this.historyVisible.set(visible);
  }

  destroy(): void {
    this.destroyed = true;
    this.cancelScheduledRotation();
  }

  /** Returns false when another member rotated first. */
  private async rotateOnce(renewLink: boolean, onlyFromEpoch: number | undefined): Promise<boolean> {
    await this.queue; // rotations already heard are applied: `from` is the room's epoch as far as we know
    const { ring, link, device, roomId, transport } = this.options;
    const from = this.epoch.get();
    const me = this.memberId;
    if (this.destroyed || (onlyFromEpoch !== undefined && from !== onlyFromEpoch)) return true;
    if (!me) throw new Error('Not joined');
    if (from >= 0 ? !ring.has(from) : !this.options.isCreator()) throw new Error('This browser holds no key of the current epoch');
    const next = from + 1;
    const members = await this.directory.proven(me, link, (m) =>
      this.report(`Leaving ${m.memberId} out of the new key: its link proof matches none of this room's invite links`),
    );
    const linkSecrets = renewLink ? link.renewedWith(randomLinkSecret()) : [...link.all];
    const self = { memberId: me, device };
    const { rotation, key } = await buildRotation({ roomId, epoch: next, self, members, linkSecrets, renewsLink: renewLink, roomName: this.roomName.get() });
    try {
      await transport.rotateKey(roomId, rotation);
    } catch (error) {
      if (refusalCodeOf(error) === 'rotation-stale') return false;
      throw error;
    }
    // The echo (KeyRotated) may already have done this; taking the key again changes nothing.
    await this.afterKeys(
      this.serially(async () => {
        ring.add(next, key);
        this.moveTo(next);
        this.details.followLink(next, linkSecrets);
      }),
    );
    this.options.onRotated();
    return true;
  }

  private keyRequested(member: MemberKeys, granter: string | null): void {
    if (member.memberId === this.memberId) return; // the server tells the joiner's own connections too
    this.directory.add(member);
    // One member named by the server grants (one grant per join, not one per member); none named: everyone keyed.
    if (granter === null || granter === this.memberId) void this.grantTo(member);
  }

  /**
   * Grants a joiner the current key (and, with history visible, every older one held), but only
   * if its link proof holds against one of the room's links: a member the server made up gets nothing.
   */
  private async grantTo(member: MemberKeys): Promise<void> {
    await this.queue; // grant the epoch the room is at now, not one a rotation just replaced
    const { ring, link, device, roomId, transport } = this.options;
    const me = this.memberId;
    if (!me || !this.holdsCurrent || this.destroyed) return;
    if (!(await link.proves(member))) {
      this.report(`Not sharing the room's keys with ${member.memberId}: its link proof matches none of this room's invite links`);
      return;
    }
    try {
      const batches = await grantsForJoiner({
        roomId,
        granter: { memberId: me, device },
        joiner: member,
        ring,
        currentEpoch: this.epoch.get(),
        historyVisible: this.historyVisible.get(),
      });
      for (const grants of batches) await transport.grantKeys(roomId, grants);
    } catch (error) {
      this.report(`Could not share the room's keys with ${member.memberId}: ${errorText(error)}`);
    }
  }

  private rotated(rotation: Rotation): Promise<void> {
    if (rotation.epoch > (this.latestRotation?.epoch ?? -1)) this.latestRotation = rotation;
    return this.afterKeys(
      this.serially(async () => {
        if (rotation.changedAt !== undefined && rotation.epoch >= this.epoch.get()) this.keyChangedAt.set(rotation.changedAt);
        this.moveTo(rotation.epoch);
        await this.acceptGrants(rotation.grants);
        await this.details.read(this.options.ring, rotation.roomLink, rotation.roomMeta);
      }),
    );
  }

  /** After key work: a browser that waited for the current key goes on; one left out of a rotation waits. */
  private async afterKeys(work: Promise<void>): Promise<void> {
    await work.catch(() => {});
    if (this.memberId === null || this.destroyed) return;
    const keyed = this.holdsCurrent;
    const wasWaiting = this.waiting.get();
    this.waiting.set(!keyed);
    const epoch = this.epoch.get();
    if (keyed && wasWaiting) return this.options.rejoin();
    // A grant from a member this browser never heard of (its KeyRequested crossed this browser's
    // join result, say): the server has its keys, and a join brings them (as a member or a granter).
    if (!keyed && this.unverified.has(epoch) && !this.refreshedFor.has(epoch)) {
      this.refreshedFor.add(epoch);
      this.options.rejoin();
    }
  }

  /**
   * Takes this member's grants whose granter's sign key is known and whose signature checks out;
   * reports the others. `fromJoin`: the join listed these grants' granters, so a sign key still
   * missing is not coming; otherwise a fresh join is asked for.
   */
  private async acceptGrants(grants: Grant[], fromJoin = false): Promise<void> {
    const { ring, roomId, device } = this.options;
    for (const grant of grants) {
      if (grant.memberId !== this.memberId || ring.has(grant.epoch)) continue;
      const signKey = this.directory.signKeyOf(grant.granterId);
      if (!signKey && !fromJoin && !this.refreshedFor.has(grant.epoch)) {
        this.unverified.add(grant.epoch); // the join this asks for lists the granter
        continue;
      }
      try {
        if (!signKey) throw new Error(`the keys of its granter ${grant.granterId} are unknown`);
        ring.add(grant.epoch, await openGrant(roomId, grant, signKey, device));
      } catch (error) {
        this.report(`Ignored a grant of epoch ${grant.epoch}: ${errorText(error)}`);
      }
    }
  }

  /**
   * The server chose this browser to rotate an old key (by time or use): at once, no random wait, as
   * nobody else was asked. A request that a rotation has overtaken is moot.
   */
  private rotationRequested(epoch: number): void {
    if (this.destroyed) return; // the epoch is checked once key work heard before is applied (rotate's onlyFromEpoch)
    this.rotate(false, epoch).catch((error: unknown) => this.report(`Could not rotate the room's old key: ${errorText(error)}`));
  }

  /** Any keyed member rotates after a random wait, unless someone else's KeyRotated comes first. */
  private scheduleRotation(): void {
    if (!this.holdsCurrent || this.rotationTimer || this.destroyed) return;
    const from = this.epoch.get();
    const delay = this.options.rotationDelayMs?.() ?? 2000 + Math.random() * 4000;
    this.rotationTimer = setTimeout(() => {
      this.rotationTimer = null;
      if (this.epoch.get() !== from || !this.holdsCurrent) return;
      this.rotate(false, from).catch((error: unknown) => this.report(`Could not rotate the room's key: ${errorText(error)}`));
    }, delay);
  }

  private cancelScheduledRotation(): void {
    if (this.rotationTimer) clearTimeout(this.rotationTimer);
    this.rotationTimer = null;
  }

  private moveTo(epoch: number): void {
    if (epoch <= this.epoch.get()) return;
    this.epoch.set(epoch);
    this.cancelScheduledRotation(); // whatever was due is done
  }

  /** Runs key work after the key work before it; the ring waits for it before decrypting. */
  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    this.options.ring.track(run);
    return run;
  }

  private report(message: string): void {
    if (!this.destroyed) this.options.report(message);
  }
}
