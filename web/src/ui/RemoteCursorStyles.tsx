import { useEffect, useState } from 'react';
import type { Presence } from '../chat/presence';
import type { RoomSync } from '../sync/roomSync';
import { remoteCursorCss } from './remoteCursorStyles';

/** How long a name tag stays over the code after its person last moved or typed. */
const TAG_SHOWS_MS = 3_000;

/**
 * A style element that follows the room's awareness: one colour and name tag per remote cursor.
 * A tag shows while its person is active and fades a few seconds later, so it does not sit on code.
 */
export function RemoteCursorStyles({ sync, presence }: { sync: RoomSync; presence: Presence }) {
  const [css, setCss] = useState('');
  useEffect(() => {
    const { awareness } = sync;
    const movedAt = new Map<number, number>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const render = () => {
      const now = Date.now();
      const shown = new Map(presence.members.get().map((m) => [m.memberId, m.name]));
      const shownName = (clientId: number) => {
        const memberId = sync.memberOfClient(clientId);
        return memberId ? shown.get(memberId) : undefined;
      };
      const active = (clientId: number) => now - (movedAt.get(clientId) ?? -Infinity) < TAG_SHOWS_MS;
      setCss(remoteCursorCss(awareness.getStates(), awareness.clientID, shownName, active));
      // Render again when the next tag is due to fade.
      if (timer) clearTimeout(timer);
      const due = [...movedAt.values()].map((t) => t + TAG_SHOWS_MS - now).filter((ms) => ms > 0);
      timer = due.length > 0 ? setTimeout(render, Math.min(...due) + 20) : null;
    };
    const onChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      const now = Date.now();
      for (const id of [...added, ...updated]) movedAt.set(id, now);
      for (const id of removed) movedAt.delete(id);
      render();
    };
    render();
    awareness.on('change', onChange);
    const offMembers = presence.members.subscribe(render);
    return () => {
      awareness.off('change', onChange);
      offMembers();
      if (timer) clearTimeout(timer);
    };
  }, [sync, presence]);
  return <style>{css}</style>;
}
