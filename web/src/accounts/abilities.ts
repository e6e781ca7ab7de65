// What the server's access policy lets this browser do beyond coding and chatting (docs/protocol.md,
// "Accounts"), and the words the browser uses when it may not.

export interface Abilities {
  shareFiles: boolean;
  protectRoom: boolean;
  nameRoom: boolean;
}

export const GUEST: Abilities = { shareFiles: false, protectRoom: false, nameRoom: false };

/** Servers older than the access policy let everyone do everything. */
const UNRESTRICTED: Abilities = { shareFiles: true, protectRoom: true, nameRoom: true };

export const SIGN_IN_TO_SHARE_FILES = 'Sign in to share files';
export const SIGN_IN_TO_PROTECT_ROOM = 'Sign in to protect this room with a password';

export function readAbilities(value: unknown): Abilities {
  if (value == null) return UNRESTRICTED;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('Malformed abilities from server');
  const m = value as Record<string, unknown>;
  return { shareFiles: m.shareFiles === true, protectRoom: m.protectRoom === true, nameRoom: m.nameRoom === true };
}
