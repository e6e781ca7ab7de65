import type { Value } from '../state/value';

export type TransferState = 'waiting' | 'running' | 'done' | 'failed' | 'cancelled';

export interface TransferProgress {
  /** Plaintext bytes done so far. */
  done: number;
  total: number;
}

/** What the UI shows of an upload or a download: name, progress bar, state, and a way to cancel. */
export interface Transfer {
  readonly name: string;
  readonly size: number;
  readonly progress: Value<TransferProgress>;
  readonly state: Value<TransferState>;
  readonly error: Value<string | null>;
  cancel(): void;
}

export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}

export const isAbort = (error: unknown) =>
  error instanceof CancelledError || (error instanceof DOMException && error.name === 'AbortError');

/**
 * "240 MB", "1.5 KB". Binary steps, as most file managers count, so the default limit of
 * 100 MiB reads "100 MB" in the size-limit message rather than an odd "104.9 MB".
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value).toString();
  return `${text} ${units[unit]}`;
}
