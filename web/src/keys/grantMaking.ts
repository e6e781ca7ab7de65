// The grants this browser makes (docs/protocol.md, "Keys"): for a joiner whose link proof holds,
// and for every member at once when it rotates the room's key.
import { deriveRoomSecrets, makeGrant, newRoomKey, type DeviceIdentity, type Grant, type RoomKeyRing } from '../crypto';
import { sealRoomLink, sealRoomMeta } from '../rooms/roomEnvelopes';
import { LIMITS } from '../wire/limits';
import type { MemberKeys, Rotation } from '../wire/protocol';

/** GrantKeys takes at most this many grants per call. */
export const MAX_GRANTS_PER_CALL = LIMITS.maxGrantsPerCall;

export interface JoinerGrants {
  roomId: string;
  granter: { memberId: string; device: DeviceIdentity };
  joiner: MemberKeys;
  ring: RoomKeyRing;
  /** The room's current epoch: granted always; the older epochs held only with history visible. */
  currentEpoch: number;
  historyVisible: boolean;
}

/** A joiner's grants, in GrantKeys-sized batches. */
export async function grantsForJoiner({ roomId, granter, joiner, ring, currentEpoch, historyVisible }: JoinerGrants): Promise<Grant[][]> {
  const epochs = historyVisible ? ring.epochs().filter((e) => e <= currentEpoch) : [currentEpoch];
  const grants = await Promise.all(
    epochs.map((epoch) =>
      makeGrant({ roomId, epoch, granterId: granter.memberId, granter: granter.device, grantee: joiner, roomKey: ring.keyFor(epoch) }),
    ),
  );
  const batches: Grant[][] = [];
  for (let i = 0; i < grants.length; i += MAX_GRANTS_PER_CALL) batches.push(grants.slice(i, i + MAX_GRANTS_PER_CALL));
  return batches;
}

export interface RotationPlan {
  roomId: string;
  /** The epoch to move to: the current one + 1. */
  epoch: number;
  /** The rotating member, granted the new key like everyone else. */
  self: { memberId: string; device: DeviceIdentity };
  /** The other members to grant it to (their link proofs already checked). */
  members: readonly MemberKeys[];
  /** The link secrets the new epoch's `room-link` carries, the current one first (a fresh one when renewing). */
  linkSecrets: readonly Uint8Array[];
  /** The first of `linkSecrets` is new: the server then admits new members only through it. */
  renewsLink: boolean;
  /** The room's custom name, re-encrypted under the new key; null when it has none. */
  roomName: string | null;
}

/** A RotateKey request (docs/protocol.md, "Keys") and the fresh key it hands out. */
export async function buildRotation(plan: RotationPlan): Promise<{ rotation: Rotation; key: CryptoKey }> {
  const { roomId, epoch, self, linkSecrets, roomName } = plan;
  const key = await newRoomKey();
  const grantees = [{ memberId: self.memberId, wrapKey: self.device.wrapKey }, ...plan.members];
  const grants = await Promise.all(
    grantees.map((grantee) => makeGrant({ roomId, epoch, granterId: self.memberId, granter: self.device, grantee, roomKey: key })),
  );
  const rotation: Rotation = {
    epoch,
    grants,
    roomLink: await sealRoomLink(key, roomId, epoch, linkSecrets),
    roomMeta: roomName === null ? null : await sealRoomMeta(key, roomId, epoch, roomName),
    // Renewing: the server stores only SHA-256 of the new join key, and the old link admits nobody new.
    joinVerifier: plan.renewsLink ? (await deriveRoomSecrets(linkSecrets[0])).joinVerifier : null,
  };
  return { rotation, key };
}
