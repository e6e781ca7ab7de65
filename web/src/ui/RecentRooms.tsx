import { useEffect, useId, useState } from 'react';
import { toBase64Url } from '../crypto';
import { recentRooms, type RecentRoom } from '../rooms/recentRooms';
import { defaultMemberStore } from '../rooms/memberStore';
import { roomPath } from '../rooms/links';
import { formatFullTime } from './chat/format';
import { followInApp } from './navigation';

/**
 * The landing page's "Recent rooms": those this browser was in and still holds a link for, read
 * from its own storage. Opening one tells the server nothing a pasted link would not.
 */
export function RecentRooms() {
  const id = useId();
  const [rooms, setRooms] = useState<(RecentRoom & { path: string })[]>([]);
  useEffect(() => {
    let cancelled = false;
    const members = defaultMemberStore();
    void recentRooms()
      ?.list()
      .then((list) => {
        if (cancelled) return;
        const withLinks = list.flatMap((room) => {
          const secret = members.loadLinkSecret(room.roomId);
          return secret ? [{ ...room, path: `${roomPath(room.roomId)}#${toBase64Url(secret)}` }] : [];
        });
        setRooms(withLinks);
      })
      .catch(() => {}); // storage blocked: no list, as in a fresh browser
    return () => {
      cancelled = true;
    };
  }, []);

  if (rooms.length === 0) return null;
  async function forget(roomId: string) {
    await recentRooms()?.forget(roomId);
    setRooms((now) => now.filter((r) => r.roomId !== roomId));
  }
  return (
    <section className="recent-rooms" aria-labelledby={id}>
      <h2 id={id}>Recent rooms</h2>
      <ul>
        {rooms.map((room) => (
          <li key={room.roomId}>
            <a href={room.path} onClick={followInApp(room.path)}>
              {room.name}
            </a>
            <time dateTime={new Date(room.lastOpenedAt).toISOString()}>{formatFullTime(room.lastOpenedAt)}</time>
            <button type="button" className="small" aria-label={`Forget ${room.name}`} onClick={() => void forget(room.roomId)}>
              Forget
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
