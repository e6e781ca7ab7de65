// "Ann joined", "Ann left", "Bob was removed", "Ann is now Annie": muted lines in the chat at the
// point they happen while this browser is in the room. They are local only: nothing is sent or
// stored, so a reload, or a browser that was not there, never sees them (docs/protocol.md, "Chat").
import type { Membership } from '../rooms/memberStore';
import { Value } from '../state/value';
import type { RoomSync } from '../sync/roomSync';
import type { ChatItem } from './chatTimeline';
import type { MemberPresence } from './presence';

export type SystemEvent =
  | { kind: 'joined' | 'left' | 'removed'; memberId: string }
  | { kind: 'renamed'; memberId: string; from: string; to: string };

export type SystemLine = SystemEvent & {
  id: number;
  /** The newest seq in the chat when it happened: the line shows after that message. */
  afterSeq: number;
  at: number;
};

const MAX_LINES = 200;
// Presence's name for a member whose profile has not arrived yet: no rename from or to it.
const UNKNOWN_NAME = 'Guest';

/** The line's words; `nameOf` gives the name as the room shows it now (a joiner's name may come after the join). */
export function systemText(line: SystemEvent, nameOf: (memberId: string) => string | null): string {
  if (line.kind === 'renamed') return `${line.from} is now ${line.to}`;
  const name = nameOf(line.memberId) ?? 'Someone';
  return line.kind === 'joined' ? `${name} joined` : line.kind === 'left' ? `${name} left` : `${name} was removed`;
}

/** Who came and went between two online sets; a member who was removed or left for good gets one line for it. */
export function onlineChanges(before: readonly string[], after: readonly string[], gone: ReadonlySet<string>, self: string | null): SystemEvent[] {
  const was = new Set(before);
  const now = new Set(after);
  return [
    ...after.filter((id) => !was.has(id) && id !== self).map((memberId) => ({ kind: 'joined' as const, memberId })),
    ...before.filter((id) => !now.has(id) && id !== self && !gone.has(id)).map((memberId) => ({ kind: 'left' as const, memberId })),
  ];
}

/** Chosen names that changed between two member lists, for members known by name in both. */
export function renames(before: ReadonlyMap<string, string>, members: readonly MemberPresence[]): SystemEvent[] {
  return members
    .filter((m) => !m.isSelf && m.chosenName !== UNKNOWN_NAME)
    .flatMap((m) => {
      const from = before.get(m.memberId);
      return from && from !== UNKNOWN_NAME && from !== m.chosenName ? [{ kind: 'renamed' as const, memberId: m.memberId, from, to: m.chosenName }] : [];
    });
}

/** Messages and system lines in one list: each line after every message up to its seq, before any later one. */
export function interleave(items: readonly ChatItem[], lines: readonly SystemLine[]): (ChatItem | SystemLine)[] {
  const out: (ChatItem | SystemLine)[] = [];
  let next = 0;
  for (const item of items) {
    while (next < lines.length && (item.seq === null || item.seq > lines[next].afterSeq)) out.push(lines[next++]);
    out.push(item);
  }
  return [...out, ...lines.slice(next)];
}

/**
 * Watches the room while this browser is in it. Each (re)join starts afresh from the online set
 * its join result brought: who came or went while it was away gets no line.
 */
export class SystemLines {
  readonly lines = new Value<readonly SystemLine[]>([]);
  private online: readonly string[] | null = null;
  private names = new Map<string, string>();
  private counter = 0;
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly sync: RoomSync,
    members: Value<readonly MemberPresence[]>,
    private readonly messages: Value<readonly ChatItem[]>,
  ) {
    const { access } = sync;
    this.unsubscribe = [
      sync.membership.subscribe(this.onMembership),
      sync.online.subscribe(this.onOnline),
      members.subscribe(this.onMembers),
      // Both lists only grow, one member at a time; the online set then drops the member without a second line.
      access.removed.subscribe((removed) => this.add([{ kind: 'removed', memberId: removed[removed.length - 1] }])),
      access.departed.subscribe((departed) => this.add([{ kind: 'left', memberId: departed[departed.length - 1] }])),
    ];
    this.onMembership(sync.membership.get());
    this.onMembers(members.get(), false);
  }

  destroy(): void {
    for (const off of this.unsubscribe) off();
  }

  private readonly onMembership = (membership: Membership | null) => {
    this.online = membership ? this.sync.online.get() : null;
  };

  private readonly onOnline = (online: readonly string[]) => {
    if (!this.online) return;
    const { removed, departed } = this.sync.access;
    this.add(onlineChanges(this.online, online, new Set([...removed.get(), ...departed.get()]), this.sync.memberId));
    this.online = online;
  };

  private readonly onMembers = (members: readonly MemberPresence[], announce = true) => {
    if (announce && this.online) this.add(renames(this.names, members));
    this.names = new Map(members.map((m) => [m.memberId, m.chosenName]));
  };

  private add(events: SystemEvent[]): void {
    if (events.length === 0) return;
    const afterSeq = this.messages.get().reduce((max, item) => Math.max(max, item.seq ?? 0), 0);
    const fresh = events.map((event) => ({ ...event, id: ++this.counter, afterSeq, at: Date.now() }));
    this.lines.set([...this.lines.get(), ...fresh].slice(-MAX_LINES));
  }
}
