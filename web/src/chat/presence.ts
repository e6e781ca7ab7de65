import { freeColor, isProfile, MAX_NAME, type LocalIdentity } from '../rooms/identity';
import { Value } from '../state/value';
import type { RoomSync } from '../sync/roomSync';
import type { ChatSync } from './chatSync';
import type { Author } from './messageBody';

export type PresenceStatus = 'online' | 'away' | 'offline';

export interface MemberPresence {
  memberId: string;
  /** The name to show: the one they chose, with " (2)" when someone who came earlier holds it already. */
  name: string;
  /** The name as they chose it. */
  chosenName: string;
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
  /** Members in the order they joined (as the server lists them): who came first keeps a name or a colour. */
  joinOrder?: readonly string[];
}

const ORDER: Record<PresenceStatus, number> = { online: 0, away: 1, offline: 2 };
const UNKNOWN: Author = { name: 'Guest', color: '#9aa3b5' };

/** Compares members by when they joined the room; members the server has not listed yet come last, by id. */
export function byJoinOrder(joinOrder: readonly string[]): (a: string, b: string) => number {
  const rank = new Map(joinOrder.map((id, i) => [id, i]));
  const at = (id: string) => rank.get(id) ?? Number.MAX_SAFE_INTEGER;
  return (a, b) => at(a) - at(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Two people may choose one name: everyone sees the one who joined first by it, and the later
 * ones as "Alice (2)", "Alice (3)", so a creator can tell whom a Kick button removes.
 */
export function displayNames(names: ReadonlyMap<string, string>, joinOrder: readonly string[]): Map<string, string> {
  const groups = new Map<string, string[]>();
  for (const [memberId, name] of names) {
    const key = name.toLocaleLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), memberId]);
  }
  const shown = new Map<string, string>();
  const order = byJoinOrder(joinOrder);
  for (const ids of groups.values()) {
    ids.sort(order).forEach((id, i) => {
      const name = names.get(id)!;
      // The suffix is kept whole: a long name gives way to it, so two never read the same.
      const suffix = ` (${i + 1})`;
      shown.set(id, i === 0 ? name : `${[...name].slice(0, MAX_NAME - suffix.length).join('')}${suffix}`);
    });
  }
  return shown;
}

/** Everyone worth listing: who is online (away if idle or hidden), then known members who are not. */
export function memberList({ selfId, online, live, known, creatorId = null, removed = [], joinOrder = [] }: PresenceInput): MemberPresence[] {
  const onlineSet = new Set(online);
  if (selfId) onlineSet.add(selfId);
  const ids = new Set([...onlineSet, ...known.keys()]);
  for (const id of removed) ids.delete(id);
  const profiles = new Map([...ids].map((id) => [id, live.get(id) ?? known.get(id) ?? UNKNOWN]));
  const named = new Map([...profiles].filter(([, p]) => p !== UNKNOWN).map(([id, p]) => [id, p.name]));
  const shown = displayNames(named, joinOrder);
  const members = [...ids].map((memberId): MemberPresence => {
    const { name, color } = profiles.get(memberId)!;
    const status: PresenceStatus = !onlineSet.has(memberId) ? 'offline' : live.get(memberId)?.away ? 'away' : 'online';
    return { memberId, name: shown.get(memberId) ?? name, chosenName: name, color, status, isSelf: memberId === selfId, isCreator: memberId === creatorId };
  });
  return members.sort(
    (a, b) =>
      Number(b.isSelf) - Number(a.isSelf) || ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name) || a.memberId.localeCompare(b.memberId),
  );
}

/**
 * Whether this browser must give up its colour: someone who joined before it holds the same one.
 * Then it takes the first colour nobody else holds, so the first twelve members all differ.
 */
export function colorToTake(selfId: string, members: readonly MemberPresence[], joinOrder: readonly string[]): string | null {
  const self = members.find((m) => m.memberId === selfId);
  if (!self) return null;
  const order = byJoinOrder(joinOrder);
  const others = members.filter((m) => m.memberId !== selfId && m.name !== UNKNOWN.name);
  const clash = others.some((m) => m.color.toLowerCase() === self.color.toLowerCase() && order(m.memberId, selfId) < 0);
  return clash ? freeColor(others.map((m) => m.color)) : null;
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
    /** This browser's own profile: it moves to a free colour when an earlier member holds its own. */
    private readonly identity?: LocalIdentity,
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
      sync.roomKeys.fingerprints.subscribe(this.update),
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
    // The member directory lists members in the order they joined (docs/protocol.md, JoinResult.members).
    const joinOrder = [...this.sync.roomKeys.fingerprints.get().keys()];
    const members = memberList({
      joinOrder,
      selfId: this.sync.memberId,
      online: this.sync.online.get(),
      live,
      known,
      creatorId: this.sync.creatorId.get(),
      removed: [...this.sync.access.removed.get(), ...this.sync.access.departed.get()],
    });
    const selfId = this.sync.memberId;
    const color = selfId && this.identity ? colorToTake(selfId, members, joinOrder) : null;
    if (color) this.identity!.recolor(color); // its awareness update brings the list round again
    const key = JSON.stringify(members);
    if (key === this.key) return;
    this.key = key;
    this.members.set(members);
  };
}
