import { Value } from '../state/value';

/** docs/protocol.md: at most one `true` every 2 s while typing; receivers expire a `true` after 5 s. */
export const TYPING_REPEAT_MS = 2000;
export const TYPING_EXPIRE_MS = 5000;
/** Quiet this long and we count as stopped, well before the others' 5 s expiry would guess it. */
export const TYPING_IDLE_MS = 3000;

/**
 * Our own typing signal. Each keystroke calls `input()`; the room hears `true` at most every 2 s
 * (often enough to outlive the 5 s expiry) and `false` once when we send, clear or go quiet.
 */
export class TypingSignal {
  private lastTrueAt = Number.NEGATIVE_INFINITY;
  private typing = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (typing: boolean) => void,
    private readonly idleMs = TYPING_IDLE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  input(): void {
    const now = this.now();
    if (now - this.lastTrueAt >= TYPING_REPEAT_MS) {
      this.lastTrueAt = now;
      this.send(true);
    }
    this.typing = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), this.idleMs);
  }

  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.typing) return;
    this.typing = false;
    this.lastTrueAt = Number.NEGATIVE_INFINITY;
    this.send(false);
  }

  /** Forgets the state without telling anyone: after a disconnect the others drop us anyway. */
  reset(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.typing = false;
    this.lastTrueAt = Number.NEGATIVE_INFINITY;
  }
}

/** Who else is typing, each entry dropping out 5 s after its last `true` unless renewed. */
export class TypingPeople {
  readonly memberIds = new Value<readonly string[]>([]);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly expireMs = TYPING_EXPIRE_MS) {}

  set(memberId: string, typing: boolean): void {
    const timer = this.timers.get(memberId);
    if (timer) clearTimeout(timer);
    if (typing) this.timers.set(memberId, setTimeout(() => this.set(memberId, false), this.expireMs));
    else this.timers.delete(memberId);
    this.publish();
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.publish();
  }

  private publish(): void {
    const ids = [...this.timers.keys()];
    const now = this.memberIds.get();
    if (ids.length !== now.length || ids.some((id, i) => id !== now[i])) this.memberIds.set(ids);
  }
}

/** "Alice is typing…", "Alice and Bob are typing…", "Alice, Bob and Carol are typing…". */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`;
  return 'Several people are typing…';
}
