import { useEffect, useRef } from 'react';

/**
 * Takes the place of the room while this browser waits in the lobby. Nothing of the room shows:
 * it is not a member yet. The room opens by itself once the creator lets it in.
 */
export function WaitingPage() {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main className="notice">
      <h1 ref={heading} tabIndex={-1}>
        Waiting for the host to let you in
      </h1>
      <p>
        The room&apos;s creator lets new guests in one by one, and has been told you are here. Keep this page open: the room
        opens by itself once they let you in.
      </p>
    </main>
  );
}

/**
 * Takes the place of the room while this browser is in but holds no key yet: a member's browser
 * has to check its link proof and share the key. The room opens by itself once one does.
 */
export function KeyWaitPage() {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main className="notice">
      <h1 ref={heading} tabIndex={-1}>
        Waiting for a member to share the room&apos;s keys
      </h1>
      <p>
        Everything in this room is encrypted, and only its members hold the keys. As soon as one of them is online, their
        browser checks your invite link and shares the keys with this one; the room then opens by itself.
      </p>
    </main>
  );
}
