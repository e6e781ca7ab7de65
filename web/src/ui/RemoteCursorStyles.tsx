import { useEffect, useState } from 'react';
import type { Presence } from '../chat/presence';
import type { RoomSync } from '../sync/roomSync';
import { remoteCursorCss } from './remoteCursorStyles';

/** A style element that follows the room's awareness: one colour and name tag per remote cursor. */
export function RemoteCursorStyles({ sync, presence }: { sync: RoomSync; presence: Presence }) {
  const [css, setCss] = useState('');
  useEffect(() => {
    const { awareness } = sync;
    const update = () => {
      const shown = new Map(presence.members.get().map((m) => [m.memberId, m.name]));
      const shownName = (clientId: number) => {
        const memberId = sync.memberOfClient(clientId);
        return memberId ? shown.get(memberId) : undefined;
      };
      setCss(remoteCursorCss(awareness.getStates(), awareness.clientID, shownName));
    };
    update();
    awareness.on('change', update);
    const offMembers = presence.members.subscribe(update);
    return () => {
      awareness.off('change', update);
      offMembers();
    };
  }, [sync, presence]);
  return <style>{css}</style>;
}
