import { useEffect, useRef } from 'react';
import type { RefusalCode } from '../wire/refusals';
import { REFUSAL_WORDS } from '../wire/refusalWords';
import { followInApp } from './navigation';

const HEADINGS: Partial<Record<RefusalCode, string>> = {
  'join-key-invalid': 'This link does not open the room',
  'room-unknown': 'There is no room at this link',
  'device-keys-malformed': 'This browser cannot join the room',
};

/**
 * A link that cannot let this browser in: renewed by the room's creator, cut short, or of a room
 * that is gone. Takes the whole page and says so plainly, instead of a room that never loads.
 */
export function UnusableLinkPage({ code }: { code: RefusalCode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const title = HEADINGS[code] ?? 'This link does not open a room';
  useEffect(() => {
    document.title = `${title} · Parley`;
    heading.current?.focus();
  }, [title]);
  return (
    <main className="notice">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p>{REFUSAL_WORDS[code]}</p>
      {code === 'join-key-invalid' && (
        <p>Invite links change when the room&apos;s creator renews them or removes someone. Whoever invited you can copy the current one from the room.</p>
      )}
      <p>
        <a href="/" onClick={followInApp('/')}>
          Start a new session, or paste another link
        </a>
      </p>
    </main>
  );
}
