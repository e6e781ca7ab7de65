import { useEffect, useState, type FormEvent } from 'react';
import { account } from '../accounts/accountClient';
import { createRoom } from '../rooms/createRoom';
import { invitePathFrom, roomPath } from '../rooms/links';
import { defaultMemberStore } from '../rooms/memberStore';
import { AccountBar } from './AccountBar';
import { CHECKING_HUMAN } from './AccountPages';
import { navigate } from './navigation';

export function LandingPage() {
  const [busy, setBusy] = useState(false);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState('');

  useEffect(() => {
    document.title = 'Parley';
  }, []);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      // A guest's browser proves some work first (the captcha); a signed-in one shows its token.
      const proof = await account.roomCreationProof(() => setChecking(true));
      setChecking(false);
      const room = await createRoom(fetch, defaultMemberStore(), proof);
      navigate(`${roomPath(room.roomId)}#${room.linkSecret}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not start a session.');
      setChecking(false);
      setBusy(false);
    }
  }

  function join(event: FormEvent) {
    event.preventDefault();
    const path = invitePathFrom(link);
    if (path) navigate(path);
    else setError('That is not a complete Parley invite link. It should end with # and a long code.');
  }

  return (
    <main className="landing">
      <AccountBar offerRegister />
      <h1 className="landing-title">Parley</h1>
      <p className="pitch">Code together in real time. End-to-end encrypted: the server never sees your code.</p>
      <button type="button" className="primary" onClick={() => void start()} disabled={busy} aria-busy={busy}>
        Start a session
      </button>
      {checking && (
        <p role="status" className="hint">
          {CHECKING_HUMAN}
        </p>
      )}
      <form className="join" onSubmit={join}>
        <label htmlFor="invite-link">Invite link</label>
        <div className="join-row">
          <input
            id="invite-link"
            type="text"
            placeholder="Paste an invite link"
            autoComplete="off"
            spellCheck={false}
            value={link}
            onChange={(e) => setLink(e.target.value)}
          />
          <button type="submit">Join</button>
        </div>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </main>
  );
}
