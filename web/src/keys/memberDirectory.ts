import { fingerprint, type DeviceKeys } from '../crypto';
import type { RoomLink } from '../rooms/roomLink';
import { Value } from '../state/value';
import type { JoinResult, MemberKeys } from '../wire/protocol';

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

const sameDevice = (a: DeviceKeys, b: DeviceKeys) => sameBytes(a.wrapKey, b.wrapKey) && sameBytes(a.signKey, b.signKey);

/** Whether a join result lists its member with other device keys than `device` (this browser lost its keys). */
export function listsOtherDevice(result: JoinResult, device: DeviceKeys): boolean {
  const listed = result.members.find((m) => m.memberId === result.memberId);
  return !!listed && !sameDevice(listed, device);
}

/**
 * The room's current members' device keys and link proofs, as the server lists them
 * (`JoinResult.members`, then `KeyRequested`, less those kicked or departed): keys are granted to
 * them, rotations include them, fingerprints show them. It comes from the server: the
 * fingerprints are how people check it.
 *
 * Grants are checked against sign keys, which outlive membership: a grant made by a member who
 * was kicked or left since stays valid. So the sign key of every member listed once, and of every
 * granter a join names (`JoinResult.granters`), is kept apart from the directory.
 */
export class MemberDirectory {
  /** Each listed member's fingerprint, by member id. */
  readonly fingerprints = new Value<ReadonlyMap<string, string>>(new Map());
  private readonly members = new Map<string, MemberKeys>();
  /** Sign keys by member id, current members or not: only for checking grants. */
  private readonly signKeys = new Map<string, Uint8Array>();
  private generation = 0;

  replace(members: readonly MemberKeys[]): void {
    this.members.clear();
    for (const m of members) this.members.set(m.memberId, m);
    this.learnSigners(members);
    this.changed();
  }

  add(member: MemberKeys): void {
    this.members.set(member.memberId, member);
    this.learnSigners([member]);
    this.changed();
  }

  /** Whoever signed this member's grants (`JoinResult.granters`): their sign keys check those grants; they join no directory. */
  learnSigners(granters: readonly MemberKeys[]): void {
    for (const g of granters) this.signKeys.set(g.memberId, g.signKey);
  }

  /** The key that checks a grant signed by `memberId`: a current member's, or one of a granter no longer (or not yet) listed. */
  signKeyOf(memberId: string): Uint8Array | undefined {
    return this.members.get(memberId)?.signKey ?? this.signKeys.get(memberId);
  }

  remove(memberId: string): void {
    if (this.members.delete(memberId)) this.changed();
  }

  get(memberId: string): MemberKeys | undefined {
    return this.members.get(memberId);
  }

  /** Every member but `self` whose link proof holds against one of the room's links; the others are passed to `excluded`. */
  async proven(self: string, link: RoomLink, excluded: (member: MemberKeys) => void): Promise<MemberKeys[]> {
    const others = [...this.members.values()].filter((m) => m.memberId !== self);
    const holds = await Promise.all(others.map((m) => link.proves(m)));
    others.filter((_, i) => !holds[i]).forEach(excluded);
    return others.filter((_, i) => holds[i]);
  }

  private changed(): void {
    const generation = ++this.generation;
    const members = [...this.members.values()];
    void Promise.all(members.map((m) => fingerprint(m))).then((texts) => {
      if (generation === this.generation) this.fingerprints.set(new Map(members.map((m, i) => [m.memberId, texts[i]])));
    });
  }
}
