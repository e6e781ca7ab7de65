import { useValue } from '../state/value';
import type { RoomSync } from '../sync/roomSync';
import { dayKey } from './chat/format';

/** When the room's key last changed, in the menu for everyone: keys rotate when members go and as they age. */
export function KeyChangedNote({ sync }: { sync: RoomSync }) {
  return <KeyChangedView at={useValue(sync.roomKeys.keyChangedAt)} />;
}

/** Nothing before the room has a key (or from a server that does not say). */
export function KeyChangedView({ at }: { at: number | null }) {
  return at === null ? null : <p className="setting-note">{keyChangedText(at)}</p>;
}

/** "Key changed 14:02" today, "Key changed 29 Nov 2026, 14:02" before: the server's UTC time shown in local time. */
export function keyChangedText(at: number, now = Date.now(), locale?: string): string {
  const when = new Date(at);
  const today = dayKey(at) === dayKey(now);
  const text = today
    ? when.toLocaleTimeString(locale, { timeStyle: 'short' })
    : when.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return `Key changed ${text}`;
}
