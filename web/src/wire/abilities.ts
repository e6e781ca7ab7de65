// What the server's access policy lets a member do beyond coding and chatting (docs/protocol.md,
// "Accounts"), as the join result carries it.

export interface Abilities {
  shareFiles: boolean;
  protectRoom: boolean;
  nameRoom: boolean;
}

/** No ability at all: a guest under the default policy, and what a join result without abilities means. */
export const NO_ABILITIES: Abilities = { shareFiles: false, protectRoom: false, nameRoom: false };

/**
 * The abilities of a join result. A missing field grants nothing: an answer that does not say
 * (a lobby guest's, or a malformed one) must never unlock what the policy may forbid.
 */
export function readAbilities(value: unknown): Abilities {
  if (value == null) return NO_ABILITIES;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('Malformed abilities from server');
  const m = value as Record<string, unknown>;
  return { shareFiles: m.shareFiles === true, protectRoom: m.protectRoom === true, nameRoom: m.nameRoom === true };
}
