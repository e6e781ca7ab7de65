import { decryptEnvelope, encryptEnvelope } from '../crypto';
import { Value } from '../state/value';
import { type Envelope, type JoinRequestInfo, type JoinResult } from '../wire/protocol';
import { refusalCodeOf } from '../wire/refusals';
import type { RoomTransport, TransportEvents } from '../wire/transport';
import { isProfile, type LocalProfile } from './identity';
import type { RoomLink } from './roomLink';

/** Shown for a waiting member whose profile is missing or does not decrypt. */
export const UNKNOWN_NAME = 'Someone';

/** Someone waiting in the lobby, as the creator sees them. */
export interface JoinRequestEntry {
  memberId: string;
  name: string;
  color: string | null;
}

export interface RoomLobbyOptions {
  roomId: string;
  /** The invite link: its lobby key seals and opens profiles (a joiner has no room key yet). */
  link: RoomLink;
  transport: RoomTransport;
  /** This browser's name and colour, sent with every join; none sends no profile. */
  profile?: Value<LocalProfile>;
  /** Join again: the creator let this browser in. */
  rejoin: () => void;
  /** The creator refused this browser: the room is over for it. */
  onRefused: () => void;
}

/**
 * The profile envelope is sealed before the joiner has a member id, and the server binds nothing
 * to it, so its associated data names the sender "" (docs/protocol.md, kind `member-profile`).
 * Its key is the link's lobby key, under envelope epoch 0: a waiting joiner holds no room key.
 */
const profileContext = (roomId: string) => ({ roomId, kind: 'member-profile' as const, sender: '', epoch: 0 });

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Seals a name and colour as a `member-profile` envelope under the lobby key. */
export function sealProfile(lobbyKey: CryptoKey, roomId: string, profile: LocalProfile): Promise<Envelope> {
  return encryptEnvelope(lobbyKey, profileContext(roomId), encoder.encode(JSON.stringify({ name: profile.name, color: profile.color })));
}

/** The name and colour in a `member-profile` envelope; throws if it does not decrypt or is no profile. */
export async function openProfile(lobbyKey: CryptoKey, roomId: string, envelope: Envelope): Promise<LocalProfile> {
  const parsed: unknown = JSON.parse(decoder.decode(await decryptEnvelope(lobbyKey, profileContext(roomId), envelope)));
  if (!isProfile(parsed)) throw new Error('Not a member profile');
  return { name: parsed.name.slice(0, 64), color: parsed.color };
}

/** One entry per member: a newer one replaces the older in place. */
function merge(list: readonly JoinRequestEntry[], entries: JoinRequestEntry[]): JoinRequestEntry[] {
  const next = [...list];
  for (const entry of entries) {
    const at = next.findIndex((r) => r.memberId === entry.memberId);
    if (at < 0) next.push(entry);
    else next[at] = entry;
  }
  return next;
}

/**
 * The lobby as this browser sees it: whether it is on (from the join and LobbyChanged), waiting
 * in it until the creator decides (JoinDecided), and, for the creator, the join requests with
 * their decrypted names, SetLobby and DecideJoin. Waiting is not failing: nothing retries; the
 * member credentials of the waiting result are kept, and the admitted browser joins with them.
 */
export class RoomLobby {
  /** Whether new members wait for the creator; everyone learns it. */
  readonly isOn = new Value(false);
  /** This browser waits for the creator to let it in. */
  readonly waiting = new Value(false);
  /** The creator's: who waits, oldest first, one entry per member. */
  readonly requests = new Value<readonly JoinRequestEntry[]>([]);
  /** Requests heard by event since the last join, which a join result read meanwhile must not drop. */
  private heard = new Set<string>();
  private generation = 0;

  constructor(private readonly options: RoomLobbyOptions) {}

  /** JoinRoom's profile field: sealed afresh for every join. */
  async joinProfile(): Promise<Envelope | null> {
    const { link, roomId, profile } = this.options;
    return profile ? sealProfile((await link.secrets()).lobbyKey, roomId, profile.get()) : null;
  }

  /** Takes a join result; true when it put this browser in the lobby rather than the room. */
  joined(result: JoinResult): boolean {
    this.waiting.set(result.waiting);
    if (result.waiting) return true;
    this.isOn.set(result.lobby);
    void this.replaceRequests(result.joinRequests);
    return false;
  }

  /** LobbyChanged, JoinRequested and JoinDecided for this room. */
  readonly events: Partial<TransportEvents> = {
    lobbyChanged: (room, on) => room === this.options.roomId && this.isOn.set(on),
    joinRequested: (room, request) => room === this.options.roomId && void this.requested(request),
    joinDecided: (room, admitted) => room === this.options.roomId && this.decided(admitted),
  };

  /** JoinDecided: admitted joins again (the room opens once that join holds); refused is final. */
  decided(admitted: boolean): void {
    if (!this.waiting.get()) return;
    if (admitted) return this.options.rejoin();
    this.waiting.set(false);
    this.options.onRefused();
  }

  /** JoinRequested: a new entry, or a fresher name for one already listed. */
  async requested(info: JoinRequestInfo): Promise<void> {
    this.heard.add(info.memberId);
    const generation = this.generation;
    const entry = await this.read(info);
    if (generation === this.generation) this.requests.set(merge(this.requests.get(), [entry]));
  }

  /** Drops a request that no longer waits: decided here, or the member is in the room by now. */
  drop(memberId: string): void {
    this.heard.delete(memberId);
    const now = this.requests.get();
    if (now.some((r) => r.memberId === memberId)) this.requests.set(now.filter((r) => r.memberId !== memberId));
  }

  /** Creator only. Rejects with the server's error and changes nothing. */
  async set(on: boolean): Promise<void> {
    await this.options.transport.setLobby(this.options.roomId, on);
    // Applied now rather than on the echo, like the password lock.
    this.isOn.set(on);
  }

  /**
   * Creator only: lets the member in or refuses it; the entry goes either way once the server
   * answers, and also when it says the member no longer waits. Rejects with the server's error.
   */
  async decide(memberId: string, admit: boolean): Promise<void> {
    try {
      await this.options.transport.decideJoin(this.options.roomId, memberId, admit);
    } catch (error) {
      if (refusalCodeOf(error) === 'not-waiting') this.drop(memberId);
      throw error;
    }
    this.drop(memberId);
  }

  /** A join result lists everyone still waiting: it replaces the list, keeping what events brought meanwhile. */
  private async replaceRequests(infos: JoinRequestInfo[]): Promise<void> {
    const generation = ++this.generation;
    this.heard = new Set();
    const entries = await Promise.all(infos.map((info) => this.read(info)));
    if (generation !== this.generation) return;
    const listed = new Set(entries.map((e) => e.memberId));
    const meanwhile = this.requests.get().filter((r) => this.heard.has(r.memberId) && !listed.has(r.memberId));
    this.requests.set(merge([], [...entries, ...meanwhile]));
  }

  private async read(info: JoinRequestInfo): Promise<JoinRequestEntry> {
    const { link, roomId } = this.options;
    try {
      if (!info.profile) throw new Error('No profile');
      const { name, color } = await openProfile((await link.secrets()).lobbyKey, roomId, info.profile);
      return { memberId: info.memberId, name, color };
    } catch {
      return { memberId: info.memberId, name: UNKNOWN_NAME, color: null };
    }
  }
}
