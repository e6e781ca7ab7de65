import { useEffect, useId, useState, type FormEvent } from 'react';
import { account } from '../accounts/accountClient';
import { createRoom } from '../rooms/createRoom';
import { ROOM_NAME_MAX, roomNameProblem } from '../rooms/roomEnvelopes';
import { newPasswordProblem, PASSWORD_MAX_LENGTH } from '../rooms/roomProtection';
import { keepSetup } from '../rooms/roomSetup';
import { invitePathFrom, roomPath } from '../rooms/links';
import { defaultMemberStore } from '../rooms/memberStore';
import { AccountBar, AccountLink, useAccount } from './AccountBar';
import { CHECKING_HUMAN } from './AccountPages';
import { navigate } from './navigation';
import { RecentRooms } from './RecentRooms';

export function LandingPage() {
  const id = useId();
  const state = useAccount();
  const canName = state?.abilities.nameRoom === true;
  const canProtect = state?.abilities.protectRoom === true;
  const [roomName, setRoomName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState('');

  useEffect(() => {
    document.title = 'Parley';
  }, []);

  async function start(event: FormEvent) {
    event.preventDefault();
    const problem = (canName && roomName.trim() ? roomNameProblem(roomName) : null) ?? (canProtect && password ? newPasswordProblem(password) : null);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // A guest's browser proves some work first (the captcha); a signed-in one shows its token.
      const proof = await account.roomCreationProof(() => setChecking(true));
      setChecking(false);
      const room = await createRoom(fetch, defaultMemberStore(), proof);
      keepSetup(room.roomId, { name: canName && roomName.trim() ? roomName.trim() : null, password: canProtect && password ? password : null });
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
      <form className="start" onSubmit={(e) => void start(e)} noValidate>
        {/* First, so nothing moves it when the account's state arrives and the options below appear;
            Enter in an option submits the form all the same. */}
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          Start a session
        </button>
        {state?.signedIn ? (
          <fieldset className="start-options">
            <legend>Optional</legend>
            <label htmlFor={`${id}-name`}>Room name</label>
            <input id={`${id}-name`} type="text" value={roomName} maxLength={ROOM_NAME_MAX} disabled={!canName} autoComplete="off" onChange={(e) => setRoomName(e.target.value)} />
            <label htmlFor={`${id}-password`}>Room password</label>
            <input
              id={`${id}-password`}
              type="password"
              value={password}
              maxLength={PASSWORD_MAX_LENGTH}
              disabled={!canProtect}
              autoComplete="new-password"
              aria-describedby={`${id}-password-hint`}
              onChange={(e) => setPassword(e.target.value)}
            />
            <p id={`${id}-password-hint`} className="hint">
              People with the link then also need this password. End-to-end encryption does not depend on it.
            </p>
          </fieldset>
        ) : (
          state && (
            <p className="hint">
              {/* The whole purpose in the link's name: the account bar has its own "Sign in". */}
              <AccountLink to="/signin">Sign in to name a new room or protect it with a password</AccountLink>: on this server,
              those settings need an account.
            </p>
          )
        )}
      </form>
      {checking && (
        <p role="status" className="hint">
          {CHECKING_HUMAN}
        </p>
      )}
      <RecentRooms />
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
