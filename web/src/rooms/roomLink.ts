import { deriveRoomSecrets, LINK_SECRET_BYTES, linkProof, linkProofHolds, toBase64Url, type DeviceKeys, type RoomSecrets } from '../crypto';
import { Value } from '../state/value';
import { LIMITS } from '../wire/limits';
import type { JoinRequest, MemberKeys } from '../wire/protocol';

/**
 * The room's invite links as this browser knows them: the page's own link secret at first, then
 * the list each `room-link` envelope carries (every link the room has had, the current one first),
 * so every member's copy follows a renewal and knows the links of those who joined before it.
 * Link proofs are checked against all of them: a member who joined through an earlier link
 * proved itself with that one.
 */
export class RoomLink {
  /** base64url of the current link secret: the invite link's fragment. */
  readonly text: Value<string>;
  /** The current secret first, then earlier ones, newest first. */
  private list: readonly Uint8Array[];
  private readonly derived = new Map<string, Promise<RoomSecrets>>();

  constructor(
    private readonly roomId: string,
    initial: Uint8Array,
  ) {
    this.list = [initial];
    this.text = new Value(toBase64Url(initial));
  }

  /** The current link secret. */
  get secret(): Uint8Array {
    return this.list[0];
  }

  /** Every link secret known, the current one first: what a rotation re-encrypts. */
  get all(): readonly Uint8Array[] {
    return this.list;
  }

  /** The list a renewal seals: `fresh` in front of every secret known, the oldest beyond 64 dropped. */
  renewedWith(fresh: Uint8Array): Uint8Array[] {
    return [fresh, ...this.list].slice(0, LIMITS.maxLinkSecrets);
  }

  /** What the current link secret derives (join key, proof key, lobby key). */
  secrets(): Promise<RoomSecrets> {
    return this.derive(this.list[0]);
  }

  /** The list a `room-link` carried (or this browser's own renewal sealed) becomes the one known; its first is the current link. */
  follow(secrets: readonly Uint8Array[]): void {
    if (secrets.length === 0 || secrets.some((s) => s.length !== LINK_SECRET_BYTES)) throw new Error('A link secret is 32 bytes');
    this.list = secrets.slice(0, LIMITS.maxLinkSecrets);
    this.text.set(toBase64Url(this.list[0]));
  }

  /** JoinRoom's link fields: the current link's join key, this device's public keys and its proof that it holds the link. */
  async joinFields(device: DeviceKeys): Promise<Pick<JoinRequest, 'joinKey' | 'device' | 'linkProof'>> {
    const { joinKey, linkProofKey } = await this.secrets();
    const keys = { wrapKey: device.wrapKey, signKey: device.signKey };
    return { joinKey, device: keys, linkProof: await linkProof(linkProofKey, this.roomId, keys) };
  }

  /** Whether a member's link proof was made with any of the room's links (the server admits only through the current one). */
  async proves(member: MemberKeys): Promise<boolean> {
    for (const secret of this.list) {
      if (await linkProofHolds((await this.derive(secret)).linkProofKey, this.roomId, member, member.linkProof)) return true;
    }
    return false;
  }

  private derive(secret: Uint8Array): Promise<RoomSecrets> {
    const text = toBase64Url(secret);
    let secrets = this.derived.get(text);
    if (!secrets) {
      secrets = deriveRoomSecrets(secret);
      this.derived.set(text, secrets);
    }
    return secrets;
  }
}
