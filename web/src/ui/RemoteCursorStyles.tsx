import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { remoteCursorCss } from './remoteCursorStyles';

/** A style element that follows the room's awareness: one colour and name tag per remote cursor. */
export function RemoteCursorStyles({ awareness }: { awareness: Awareness }) {
  const [css, setCss] = useState('');
  useEffect(() => {
    const update = () => setCss(remoteCursorCss(awareness.getStates(), awareness.clientID));
    update();
    awareness.on('change', update);
    return () => awareness.off('change', update);
  }, [awareness]);
  return <style>{css}</style>;
}
