import { Value } from '../state/value';
import type { Abilities, JoinRequest, JoinResult, RoomExpiry } from '../wire/protocol';
import type { RefusalCode } from '../wire/refusals';
import type { RoomTransport, TransportEvents } from '../wire/transport';
import type { MemberStore } from './memberStore';

/**
 * Why a room is over for this browser: its member was kicked, the creator ended the room or did
 * not let it in from the lobby, the server deleted it after it sat idle too long, or the person left it.
 */
export type RoomClosed = 'removed' | 'ended' | 'expired' | 'refused' | 'left';

/** The refusal codes that close the room for good (docs/protocol.md, "Creator controls"). */
const CLOSED_BY: Partial<Record<RefusalCode, RoomClosed>> = {
  'member-removed': 'removed',
  'room-ended': 'ended',
  'room-expired': 'expired',
  'join-refused': 'refused',
  'member-departed': 'left',
};

/** The refusal codes under which each way a room closes reaches this browser. */
export const CLOSED_CODE: Record<RoomClosed, RefusalCode> = { removed: 'member-removed', ended: 'room-ended', expired: 'room-expired', refused: 'join-refused', left: 'member-departed' };

/** How a refused join closes the room for good; null when it does not. */
export const closedBy = (code: RefusalCode | null): RoomClosed | null => (code && CLOSED_BY[code]) ?? null;

/** Join refusals that retrying cannot help: the link is wrong, the room is gone, this member was removed, or the server refuses this device's keys. */
export const isFatalJoinRefusal = (code: RefusalCode | null) =>
  code === 'room-unknown' || code === 'join-key-invalid' || code === 'device-keys-malformed' || closedBy(code) !== null;

export interface RoomAccessOptions {
  roomId: string;
  transport: RoomTransport;
  members: MemberStore;
  /** The room is over for this browser: stop syncing. Called before `closed` is published. */
  onClosed: (reason: RoomClosed) => void;
  /** Another member was removed or left: their cursors and presence should go at once, not when their connection drops. */
  onRemoved: (memberId: string) => void;
  /** The creator's own kick went through. */
  onKicked?: (memberId: string) => void;
}

/**
 * Who this browser is in a room and what the creator decides about it: keeps the member
 * credentials and the creator token for JoinRoom, knows who the creator is, runs Kick and
 * Terminate, and follows MemberKicked / Terminated. A removed member's browser keeps its member
 * credentials: presenting them on the next visit is what makes the server say "removed" instead
 * of admitting a fresh member. An ended room has nothing left to resume, so all of it is forgotten.
 */
export class RoomAccess {
  /** The creator's member id; null until the creator has joined. */
  readonly creatorId = new Value<string | null>(null);
  /** Whether this browser's member is the creator: it alone sees Kick and Terminate. */
  readonly isCreator = new Value(false);
  /** Members removed while this page was open, oldest first; lists leave them out. */
  readonly removed = new Value<readonly string[]>([]);
  /** Members who left for good while this page was open; lists leave them out too. */
  readonly departed = new Value<readonly string[]>([]);
  readonly closed = new Value<RoomClosed | null>(null);
  /** What this member's account lets it do here (naming the room, …). */
  readonly abilities = new Value<Abilities | null>(null);
  /** When the room would expire if left idle, as of the last join; null when the server does not say. */
  readonly expiry = new Value<RoomExpiry | null>(null);
  private memberId: string | null = null;

  constructor(private readonly options: RoomAccessOptions) {}

  /** MemberKicked, MemberDeparted and Terminated for this room. */
  readonly events: Partial<TransportEvents> = {
    memberKicked: (room, memberId) => room === this.options.roomId && this.memberKicked(memberId),
    memberDeparted: (room, memberId) => room === this.options.roomId && this.memberDeparted(memberId),
    terminated: (room) => room === this.options.roomId && this.close('ended'),
  };

  /** The JoinRoom fields that say who this browser is. */
  credentials(): Pick<JoinRequest, 'memberId' | 'memberToken' | 'creatorToken'> {
    const { members, roomId } = this.options;
    const saved = members.load(roomId);
    // The creator token goes with every join, not just the first: if the answer to the first was
    // lost, the next one still has it. The server makes a creator only once, so repeats are harmless.
    return { memberId: saved?.memberId ?? null, memberToken: saved?.memberToken ?? null, creatorToken: members.loadCreatorToken(roomId) };
  }

  joined(result: JoinResult): void {
    if (this.closed.get()) return;
    this.memberId = result.memberId;
    this.options.members.save(this.options.roomId, { memberId: result.memberId, memberToken: result.memberToken });
    this.creatorId.set(result.creatorId);
    this.isCreator.set(result.creatorId !== null && result.creatorId === result.memberId);
    const now = this.abilities.get();
    const next = result.abilities;
    if (!now || now.nameRoom !== next.nameRoom || now.protectRoom !== next.protectRoom || now.shareFiles !== next.shareFiles) this.abilities.set(next);
    this.expiry.set(result.expiry);
  }

  /** Drops this browser's membership (not the creator token): the next join makes a new member. */
  forgetMembership(): void {
    const { members, roomId } = this.options;
    const creatorToken = members.loadCreatorToken(roomId);
    members.forget(roomId);
    if (creatorToken) members.saveCreatorToken(roomId, creatorToken);
  }

  /** MemberDeparted: a member left for good. */
  memberDeparted(memberId: string): void {
    if (this.closed.get() || memberId === this.memberId || this.departed.get().includes(memberId)) return;
    this.departed.set([...this.departed.get(), memberId]);
    this.options.onRemoved(memberId);
  }

  /**
   * Any member but the creator (who ends the session instead): leaves for good. This browser
   * forgets its membership, so coming back with a current link makes a new member.
   */
  async leave(): Promise<void> {
    await this.options.transport.leaveRoom(this.options.roomId);
    this.options.members.forget(this.options.roomId);
    this.close('left');
  }

  memberKicked(memberId: string): void {
    if (this.closed.get()) return;
    if (memberId === this.memberId) return this.close('removed');
    if (this.removed.get().includes(memberId)) return; // the caller applies its own kick before the event comes
    this.removed.set([...this.removed.get(), memberId]);
    this.options.onRemoved(memberId);
  }

  /** Creator only. A refusal rejects with the server's error and changes nothing here. */
  async kick(memberId: string): Promise<void> {
    await this.options.transport.kick(this.options.roomId, memberId);
    // Applied now rather than on the echo, so it does not depend on the server telling the caller too.
    this.memberKicked(memberId);
    this.options.onKicked?.(memberId);
  }

  /** Creator only: the room is deleted for everyone, this browser included. */
  async terminate(): Promise<void> {
    try {
      await this.options.transport.terminate(this.options.roomId);
    } catch (error) {
      // The server closes the room's connections once done; ours may drop before its answer, after `Terminated`.
      if (this.closed.get() === 'ended') return;
      throw error;
    }
    this.close('ended');
  }

  close(reason: RoomClosed): void {
    if (this.closed.get()) return;
    if (reason === 'ended' || reason === 'left') this.options.members.forget(this.options.roomId);
    this.isCreator.set(false);
    this.options.onClosed(reason);
    this.closed.set(reason);
  }
}
