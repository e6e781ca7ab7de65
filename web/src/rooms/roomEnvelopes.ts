// The envelopes about the room itself (docs/protocol.md, "Keys"): `room-link` carries every link
// secret the room has had (the current one first) and `room-meta` the room's custom name, both
// under the current epoch's key. Their sender is "" in the associated data, as for
// `member-profile`: the server binds no sender to them, and a joiner reading
// `JoinResult.roomLink` cannot know who sealed it.
import { decryptEnvelope, encryptEnvelope, LINK_SECRET_BYTES, type Envelope, type RoomKeyRing } from '../crypto';
import { Value } from '../state/value';
import { LIMITS } from '../wire/limits';
import { errorText } from '../wire/refusalWords';
import type { RoomLink } from './roomLink';

export const ROOM_NAME_MAX = 80;

const context = (roomId: string, kind: 'room-link' | 'room-meta') => ({ roomId, kind, sender: '' });
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A `room-link` remembers at most this many link secrets: the current one and the 63 newest before it. */
const MAX_LINK_SECRETS = LIMITS.maxLinkSecrets;

/** Seals the room's link secrets, the current one first, then earlier ones newest first (the oldest beyond 64 dropped). */
export function sealRoomLink(key: CryptoKey, roomId: string, epoch: number, linkSecrets: readonly Uint8Array[]): Promise<Envelope> {
  const kept = linkSecrets.slice(0, MAX_LINK_SECRETS);
  if (kept.length === 0 || kept.some((s) => s.length !== LINK_SECRET_BYTES)) {
    return Promise.reject(new Error('A room-link holds one or more 32-byte link secrets'));
  }
  const plain = new Uint8Array(kept.length * LINK_SECRET_BYTES);
  kept.forEach((secret, i) => plain.set(secret, i * LINK_SECRET_BYTES));
  return encryptEnvelope(key, { ...context(roomId, 'room-link'), epoch }, plain);
}

/** The link secrets in a `room-link`, the current one first; throws if it does not decrypt or is malformed. */
export async function openRoomLink(key: CryptoKey, roomId: string, envelope: Envelope): Promise<Uint8Array[]> {
  const plain = await decryptEnvelope(key, context(roomId, 'room-link'), envelope);
  if (plain.length === 0 || plain.length % LINK_SECRET_BYTES !== 0) {
    throw new Error('The room-link envelope holds no list of 32-byte link secrets');
  }
  const secrets: Uint8Array[] = [];
  // Past 64 there is nothing a sealer should have put: the rest is not taken.
  for (let at = 0; at < plain.length && secrets.length < MAX_LINK_SECRETS; at += LINK_SECRET_BYTES) {
    secrets.push(plain.slice(at, at + LINK_SECRET_BYTES));
  }
  return secrets;
}

/** Why a name cannot be the room's, in words; null when it can. */
export function roomNameProblem(name: string): string | null {
  if (!name.trim()) return 'Type a name.';
  if ([...name.trim()].length > ROOM_NAME_MAX) return `Use at most ${ROOM_NAME_MAX} characters.`;
  return null;
}

export function sealRoomMeta(key: CryptoKey, roomId: string, epoch: number, name: string): Promise<Envelope> {
  const problem = roomNameProblem(name);
  if (problem) return Promise.reject(new Error(problem));
  const plain = new TextEncoder().encode(JSON.stringify({ name: name.trim() }));
  return encryptEnvelope(key, { ...context(roomId, 'room-meta'), epoch }, plain);
}

/** The name in a `room-meta` envelope; throws if it does not decrypt or holds no name. */
export async function openRoomMeta(key: CryptoKey, roomId: string, envelope: Envelope): Promise<string> {
  const parsed: unknown = JSON.parse(decoder.decode(await decryptEnvelope(key, context(roomId, 'room-meta'), envelope)));
  const name = (parsed as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || !name.trim()) throw new Error('The room-meta envelope holds no name');
  return [...name.trim()].slice(0, ROOM_NAME_MAX).join('');
}

/** The room's own envelopes as this browser reads them: the link secrets (into RoomLink) and the custom name. */
export class RoomDetails {
  /** The custom name; null when the room has none (or it cannot be read). */
  readonly name = new Value<string | null>(null);
  /** Epoch of the link list taken last: one read late from an older join result must not replace it. */
  private linkEpoch = -1;

  constructor(
    private readonly roomId: string,
    private readonly link: RoomLink,
    private readonly report: (message: string) => void,
  ) {}

  /** From a join result or a rotation: no `room-meta` there means the room has no custom name. */
  async read(ring: RoomKeyRing, roomLink: Envelope | null, roomMeta: Envelope | null): Promise<void> {
    if (roomLink && ring.has(roomLink.epoch) && roomLink.epoch >= this.linkEpoch) {
      try {
        this.followLink(roomLink.epoch, await openRoomLink(ring.keyFor(roomLink.epoch), this.roomId, roomLink));
      } catch (error) {
        // Malformed or unreadable: the links known so far stay.
        this.report(`Could not read the room's invite link: ${errorText(error)}`);
      }
    }
    if (roomMeta) await this.readName(ring, roomMeta);
    else this.name.set(null);
  }

  /** The link secrets of an epoch (read from its `room-link`, or sealed into it by this browser) become the ones known. */
  followLink(epoch: number, secrets: readonly Uint8Array[]): void {
    if (epoch < this.linkEpoch) return;
    this.link.follow(secrets);
    this.linkEpoch = epoch;
  }

  async readName(ring: RoomKeyRing, envelope: Envelope): Promise<void> {
    if (!ring.has(envelope.epoch)) return;
    try {
      this.name.set(await openRoomMeta(ring.keyFor(envelope.epoch), this.roomId, envelope));
    } catch (error) {
      this.report(`Could not read the room's name: ${errorText(error)}`);
    }
  }
}
