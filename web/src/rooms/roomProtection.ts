import { Value } from '../state/value';
import { LIMITS } from '../wire/limits';
import { type JoinResult } from '../wire/protocol';
import { errorText } from '../wire/refusalWords';
import { refusalCodeOf, type RefusalCode } from '../wire/refusals';
import type { RoomTransport } from '../wire/transport';

/** The join refusals that only a person typing the room password can get past (docs/protocol.md). */
const PASSWORD_REFUSALS: ReadonlySet<RefusalCode> = new Set(['password-required', 'password-wrong', 'password-attempts', 'password-invalid']);

/** The server's bounds; checked here only so a person hears of a short password before a round trip. */
export const PASSWORD_MIN_LENGTH = LIMITS.passwordMinLength;
export const PASSWORD_MAX_LENGTH = LIMITS.passwordMaxLength;

/** Why a new room password cannot be used, in words; null when it is fine. */
export function newPasswordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

/** This browser cannot join until someone types the room password. */
export interface PasswordPrompt {
  /** The server's refusal of the last try (wrong password, too many tries); null before the first try. */
  error: string | null;
  /** A typed password is on its way to the server. */
  checking: boolean;
}

export interface RoomProtectionOptions {
  roomId: string;
  transport: RoomTransport;
  /** Join again, now with the typed password. */
  rejoin: () => void;
}

/**
 * The room password as this browser sees it: whether the room is protected (from the join and
 * RoomProtectionChanged), the prompt when a join is refused for want of the password, and the
 * creator's SetRoomPassword. The typed password lives only in this object's memory, and only until
 * the join it was typed for is admitted: from then on the member credentials open the room.
 */
export class RoomProtection {
  /** Whether new members need the password; everyone sees it, for the lock in the top bar. */
  readonly isProtected = new Value(false);
  /** Set while the room waits for the person to type the password. */
  readonly prompt = new Value<PasswordPrompt | null>(null);
  private password: string | null = null;

  constructor(private readonly options: RoomProtectionOptions) {}

  /** JoinRoom's password field. */
  joinPassword(): string | null {
    return this.password;
  }

  /**
   * True while only the person can move things on: joining again without a new password would only
   * be refused again, and a wrong one re-sent would count against the try limit each time.
   */
  get waitingForPerson(): boolean {
    return this.prompt.get() !== null && this.password === null;
  }

  joined(result: JoinResult): void {
    this.password = null;
    this.prompt.set(null);
    this.isProtected.set(result.passwordProtected);
  }

  /** Takes a join refusal; true when it was about the password, and then the person is asked. */
  refusedJoin(error: unknown): boolean {
    const code = refusalCodeOf(error);
    if (!code || !PASSWORD_REFUSALS.has(code)) return false;
    this.password = null;
    this.isProtected.set(true);
    // Asked for the first time, the prompt shows no error: nobody has typed anything wrong yet.
    this.prompt.set({ error: code === 'password-required' ? null : errorText(error), checking: false });
    return true;
  }

  /** The person typed the password: try it. */
  enter(password: string): void {
    this.password = password;
    this.prompt.set({ error: null, checking: true });
    this.options.rejoin();
  }

  /** RoomProtectionChanged. */
  changed(isProtected: boolean): void {
    this.isProtected.set(isProtected);
  }

  /** Creator only: a password of LIMITS.passwordMinLength to passwordMaxLength characters protects the room, null removes it. Rejects with the server's error. */
  async set(password: string | null): Promise<void> {
    await this.options.transport.setRoomPassword(this.options.roomId, password);
    // Applied now rather than on the echo, like a kick, so the creator's own lock follows at once.
    this.isProtected.set(password !== null && password !== '');
  }
}
