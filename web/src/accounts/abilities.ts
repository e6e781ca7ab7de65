// What the server's access policy lets this browser do beyond coding and chatting (docs/protocol.md,
// "Accounts"), and the words the browser uses when it may not.
import { NO_ABILITIES, readAbilities, type Abilities } from '../wire/abilities';

export { readAbilities, type Abilities };

/** A guest under the default policy: nothing beyond coding and chatting. */
export const GUEST: Abilities = NO_ABILITIES;

export const SIGN_IN_TO_SHARE_FILES = 'Sign in to share files';
export const SIGN_IN_TO_PROTECT_ROOM = 'Sign in to protect this room with a password';
