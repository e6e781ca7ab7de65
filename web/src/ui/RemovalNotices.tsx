import { useCallback, useEffect, useRef, useState } from 'react';
import { useValue } from '../state/value';
import type { RoomSession } from './useRoomSession';

const NOTICE_MS = 10_000;

export const removalText = (name: string | null) => `${name ?? 'A member'} was removed`;

/**
 * Short-lived notices ("Ann was removed") when the creator kicks someone. A live region, and
 * deliberately not role=status: the connection indicator is the page's one status.
 */
export function RemovalNotices({ session }: { session: RoomSession }) {
  const removed = useValue(session.sync.access.removed);
  const [notices, setNotices] = useState<readonly { id: string; text: string }[]>([]);
  const shown = useRef(removed.length);
  const dismiss = useCallback((id: string) => setNotices((now) => now.filter((n) => n.id !== id)), []);

  useEffect(() => {
    const fresh = removed.slice(shown.current);
    shown.current = removed.length;
    // Names come from Presence, which still knows members it no longer lists.
    if (fresh.length > 0) setNotices((now) => [...now, ...fresh.map((id) => ({ id, text: removalText(session.presence.nameOf(id)) }))]);
  }, [removed, session]);

  return (
    <div className="toasts" aria-live="polite">
      {notices.map((n) => (
        <Notice key={n.id} id={n.id} text={n.text} onDone={dismiss} />
      ))}
    </div>
  );
}

function Notice({ id, text, onDone }: { id: string; text: string; onDone: (id: string) => void }) {
  useEffect(() => {
    const timer = setTimeout(() => onDone(id), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [id, onDone]);
  return <p className="toast">{text}</p>;
}
