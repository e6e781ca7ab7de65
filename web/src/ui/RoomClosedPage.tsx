import { useEffect, useRef } from 'react';
import type { RoomClosed } from '../rooms/roomAccess';
import { navigate } from './navigation';

const PAGES: Record<RoomClosed, { title: string; text: string }> = {
  removed: {
    title: 'You were removed from this room',
    text: "The room's creator removed you. You no longer see its code, chat or files.",
  },
  ended: {
    title: 'This session has ended',
    text: 'Its code, chat and files have been deleted for everyone.',
  },
  expired: {
    title: 'This session expired',
    text: 'Nobody used it for a long time, so the server deleted its code, chat and files.',
  },
  refused: {
    title: 'The host did not let you in',
    text: "The room's creator declined your request to join this room.",
  },
  left: {
    title: 'You left this room',
    text: 'This browser no longer holds your membership. To come back, open a current invite link.',
  },
};

/** Takes the place of the whole room once it is over for this browser: no editor, no chat. */
export function RoomClosedPage({ reason }: { reason: RoomClosed }) {
  const { title, text } = PAGES[reason];
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Parley`;
    // The room vanished from under the person's focus; put it where the explanation starts.
    heading.current?.focus();
  }, [title]);
  return (
    <main className="notice">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p>{text}</p>
      <p>
        <a
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          Start a new session
        </a>
      </p>
    </main>
  );
}
