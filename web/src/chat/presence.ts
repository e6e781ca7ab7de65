import { isProfile } from '../rooms/identity';
import { Value } from '../state/value';
import type { RoomSync } from '../sync/roomSync';
import type { ChatSync } from './chatSync';
import type { Author } from './messageBody';

export type PresenceStatus = 'online' | 'away' | 'offline';

export interface MemberPresence {
  memberId: string;
  name: string;
  color: string;
  status: PresenceStatus;
  isSelf: boolean;
  /** Made the room; the only one who can kick and end it. */
  isCreator: boolean;
}

/** What one member's awareness says: its profile, and whether every client of it is away. */
export interface LiveProfile extends Author {
  away: boolean;
}

export interface PresenceInput {
  selfId: string | null;
  online: readonly string[];
  live: ReadonlyMap<string, LiveProfile>;
  /** Names known from chat messages and from earlier in this session. */
  known: ReadonlyMap<string, Author>;
  creatorId?: string | null;
  /** Kicked and departed members: they are not part of the room any more, so they are not listed at all. */
  removed?: readonly string[];
}

const ORDER: Record<PresenceStatus, number> = { online: 0, away: 1, offline: 2 };
const UNKNOWN: Author = { name: 'Guest', color: '#9aa3b5' };

/** Everyone worth listing: who is online (away if idle or hidden), then known members who are not. */
export function memberList({ selfId, online, live, known, creatorId = null, removed = [] }: PresenceInput): MemberPresence[] {
  const onlineSet = new Set(online);
  if (selfId) onlineSet.add(selfId);
  const ids = new Set([...onlineSet, ...known.keys()]);
  for (const id of removed) ids.delete(id);
  const members = [...ids].map((memberId): MemberPresence => {
    const profile = live.get(memberId);
    const { name, color } = profile ?? known.get(memberId) ?? UNKNOWN;
    const status: PresenceStatus = !onlineSet.has(memberId) ? 'offline' : profile?.away ? 'away' : 'online';
    return { memberId, name, color, status, isSelf: memberId === selfId, isCreator: memberId === creatorId };
  });
  return members.sort(
    (a, b) =>
      Number(b.isSelf) - Number(a.isSelf) || ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name) || a.memberId.localeCompare(b.memberId),
  );
}

/**
 * The member list: awareness says who is here and whether they are away (each browser puts a
 * `status` in its awareness state), the online set says who is connected, and names seen in chat
 * or earlier in this session keep members listed, as offline, once they leave.
 */
export class Presence {
  readonly members = new Value<readonly MemberPresence[]>([]);
  private readonly seen = new Map<string, Author>();
  private readonly unsubscribe: (() => void)[];
  private key = '';

  constructor(
    private readonly sync: RoomSync,
    private readonly chat: ChatSync,
  ) {
    // 'update', not 'change': it fires after the relay has noted which member sent the state.
    sync.awareness.on('update', this.update);
    this.unsubscribe = [
      () => sync.awareness.off('update', this.update),
      sync.online.subscribe(this.update),
      sync.membership.subscribe(this.update),
      chat.authors.subscribe(this.update),
      sync.creatorId.subscribe(this.update),
      sync.access.removed.subscribe(this.update),
      sync.access.departed.subscribe(this.update),
    ];
    this.update();
  }

  /**
   * A display name for typing indicators and notices; null if this browser has never seen one.
   * It still knows members who are no longer listed (kicked), from awareness or their messages.
   */
  nameOf(memberId: string): string | null {
    const listed = this.members.get().find((m) => m.memberId === memberId && m.name !== UNKNOWN.name);
    return listed?.name ?? this.seen.get(memberId)?.name ?? this.chat.authors.get().get(memberId)?.name ?? null;
  }

  destroy(): void {
    for (const off of this.unsubscribe) off();
  }

  private readonly update = () => {
    const live = new Map<string, LiveProfile>();
    this.sync.awareness.getStates().forEach((state, clientId) => {
      const memberId = this.sync.memberOfClient(clientId);
      const user: unknown = state.user;
      if (!memberId || !isProfile(user)) return;
      const away = state.status === 'away' && (live.get(memberId)?.away ?? true);
      live.set(memberId, { name: user.name, color: user.color, away });
      this.seen.set(memberId, { name: user.name, color: user.color });
    });
    const known = new Map([...this.chat.authors.get(), ...this.seen]);
    const members = memberList({
      selfId: this.sync.memberId,
      online: this.sync.online.get(),
      live,
      known,
      creatorId: this.sync.creatorId.get(),
      removed: [...this.sync.access.removed.get(), ...this.sync.access.departed.get()],
    });
    const key = JSON.stringify(members);
    if (key === this.key) return;
    this.key = key;
    this.members.set(members);
  };
}
